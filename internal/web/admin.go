package web

import (
	"jiedai/internal/post"
	"net/http"
	"strconv"
	"strings"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/auth"
	"jiedai/internal/client"
)

func (s *Server) routesAdmin(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/users", s.authed(s.users, access.Admin))
	mux.HandleFunc("GET /admin/users/new", s.authed(s.userForm, access.Admin))
	mux.HandleFunc("POST /admin/users/new", s.authed(s.userSave, access.Admin))
	mux.HandleFunc("GET /admin/users/{id}", s.authed(s.userForm, access.Admin))
	mux.HandleFunc("POST /admin/users/{id}", s.authed(s.userSave, access.Admin))
	mux.HandleFunc("GET /admin/departments", s.authed(s.departments, access.Admin))
	mux.HandleFunc("POST /admin/departments", s.authed(s.departmentSave, access.Admin))
	mux.HandleFunc("GET /admin/audit", s.authed(s.auditLog, access.Admin, access.Executive, access.Audit))
}

type usersData struct {
	Users []auth.User
	Depts map[int64]string
}

func (s *Server) deptNames(r *http.Request) (map[int64]string, []auth.Department, error) {
	depts, err := s.app.Auth.Departments(r.Context())
	if err != nil {
		return nil, nil, err
	}
	m := map[int64]string{}
	en := langFrom(r) == "en"
	for _, d := range depts {
		if en && d.NameEn != "" {
			m[d.ID] = d.NameEn
		} else {
			m[d.ID] = d.Name
		}
	}
	return m, depts, nil
}

func (s *Server) users(w http.ResponseWriter, r *http.Request, a access.Actor) {
	list, err := s.app.Auth.List(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	names, _, err := s.deptNames(r)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "users", s.newPage(r, "users.title", "admin", &usersData{Users: list, Depts: names}))
}

type userFormData struct {
	ID    int64
	Roles []string
	Depts []auth.Department
	Names map[int64]string
	Orgs  []client.Org // for a client user's organisation
	Posts []post.Holding
}

func (s *Server) userFormPage(r *http.Request, a access.Actor, id int64) (*Page, error) {
	names, depts, err := s.deptNames(r)
	if err != nil {
		return nil, err
	}
	orgs, err := s.orgChoices(r.Context(), a)
	if err != nil {
		return nil, err
	}
	title := "users.new"
	if id != 0 {
		title = "users.edit"
	}
	d := &userFormData{ID: id, Roles: access.AllRoles, Depts: depts, Names: names, Orgs: orgs}
	if id != 0 {
		if d.Posts, err = s.app.Posts.UserPosts(r.Context(), a, id); err != nil {
			return nil, err
		}
	}
	return s.newPage(r, title, "admin", d), nil
}

func (s *Server) userForm(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	p, err := s.userFormPage(r, a, id)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	p.Form = map[string][]string{"active": {"on"}}
	if id != 0 {
		u, err := s.app.Auth.Get(r.Context(), id)
		if err != nil {
			s.fail(w, r, err, "", nil)
			return
		}
		p.Form = map[string][]string{
			"username": {u.Username}, "display_name": {u.DisplayName}, "email": {u.Email}, "phone": {u.Phone},
			"department_id": {strconv.FormatInt(u.DepartmentID, 10)}, "org_id": {strconv.FormatInt(u.OrgID, 10)},
			"lang": {u.Lang}, "roles": u.Roles,
		}
		if u.Active {
			p.Form.Set("active", "on")
		}
	}
	s.render(w, r, http.StatusOK, "user_form", p)
}

func (s *Server) userSave(w http.ResponseWriter, r *http.Request, a access.Actor) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	_ = r.ParseForm()
	f := r.PostForm
	dept, _ := strconv.ParseInt(f.Get("department_id"), 10, 64)
	org, _ := strconv.ParseInt(f.Get("org_id"), 10, 64)
	in := auth.UserInput{
		Username: f.Get("username"), DisplayName: f.Get("display_name"), Password: f.Get("password"),
		Roles: f["roles"], DepartmentID: dept, OrgID: org, Email: strings.TrimSpace(f.Get("email")),
		Phone: strings.TrimSpace(f.Get("phone")), Lang: f.Get("lang"), Active: f.Get("active") == "on",
	}
	var err error
	if id == 0 {
		_, err = s.app.Auth.Create(r.Context(), a, in)
	} else {
		_, err = s.app.Auth.Update(r.Context(), a, id, in)
	}
	if err != nil {
		p, perr := s.userFormPage(r, a, id)
		if perr != nil {
			s.fail(w, r, perr, "", nil)
			return
		}
		r.PostForm.Del("password")
		s.fail(w, r, err, "user_form", p)
		return
	}
	redirect(w, r, "/admin/users", "saved")
}

type deptData struct {
	Depts []auth.Department
	Users []auth.User
}

func (s *Server) deptPage(r *http.Request, a access.Actor) (*Page, error) {
	_, depts, err := s.deptNames(r)
	if err != nil {
		return nil, err
	}
	users, err := s.app.Auth.List(r.Context(), a)
	if err != nil {
		return nil, err
	}
	return s.newPage(r, "dept.title", "admin", &deptData{Depts: depts, Users: users}), nil
}

func (s *Server) departments(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.deptPage(r, a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "departments", p)
}

func (s *Server) departmentSave(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	f := r.PostForm
	id, _ := strconv.ParseInt(f.Get("id"), 10, 64)
	mgr, _ := strconv.ParseInt(f.Get("manager_id"), 10, 64)
	_, err := s.app.Auth.SaveDepartment(r.Context(), a, id, auth.DepartmentInput{Code: f.Get("code"), Name: f.Get("name"), NameEn: f.Get("name_en"), ManagerID: mgr})
	if err != nil {
		p, perr := s.deptPage(r, a)
		if perr != nil {
			s.fail(w, r, perr, "", nil)
			return
		}
		s.fail(w, r, err, "departments", p)
		return
	}
	redirect(w, r, "/admin/departments", "saved")
}

type auditData struct {
	Entries []audit.Entry
	More    int64
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request, a access.Actor) {
	q := r.URL.Query()
	f := audit.Filter{Entity: strings.TrimSpace(q.Get("entity")), Action: strings.TrimSpace(q.Get("action")), Limit: 100}
	f.EntityID, _ = strconv.ParseInt(q.Get("entity_id"), 10, 64)
	f.ActorID, _ = strconv.ParseInt(q.Get("actor_id"), 10, 64)
	f.BeforeID, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	if err := f.SetDates(q.Get("from"), q.Get("to"), s.app.Loc); err != nil {
		p := s.newPage(r, "audit.title", "audit", &auditData{})
		r.PostForm = q // the filter form keeps what was typed
		s.fail(w, r, err, "audit", p)
		return
	}
	entries, err := s.app.Audit.List(r.Context(), a, f)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	d := &auditData{Entries: entries}
	if len(entries) == f.Limit {
		d.More = entries[len(entries)-1].ID
	}
	p := s.newPage(r, "audit.title", "audit", d)
	p.Form = q
	s.render(w, r, http.StatusOK, "audit", p)
}
