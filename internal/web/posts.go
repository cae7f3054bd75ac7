package web

import (
	"net/http"
	"strconv"

	"jiedai/internal/access"
	"jiedai/internal/auth"
	"jiedai/internal/post"
)

// routesPosts are the post (岗位) admin pages: the post list, and one post
// with its holders, where posts are assigned and ended.
func (s *Server) routesPosts(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/posts", s.authed(s.posts, access.Admin))
	mux.HandleFunc("POST /admin/posts", s.authed(s.postSave, access.Admin))
	mux.HandleFunc("GET /admin/posts/{id}", s.authed(s.postDetail, access.Admin))
	mux.HandleFunc("POST /admin/posts/{id}", s.authed(s.postSave, access.Admin))
	mux.HandleFunc("POST /admin/posts/{id}/holders", s.authed(s.postAssign, access.Admin))
	mux.HandleFunc("POST /admin/posts/{id}/holders/{h}/end", s.authed(s.postEnd, access.Admin))
}

type postsData struct {
	Posts []post.Post
	Depts map[int64]string
}

type postData struct {
	Post     post.Post
	Holdings []post.Holding
	Users    []auth.User // staff who may be given the post
	Names    map[int64]string
	Depts    []auth.Department
	Today    string
}

func (s *Server) postsPage(r *http.Request, a access.Actor) (*Page, error) {
	list, err := s.app.Posts.List(r.Context(), a)
	if err != nil {
		return nil, err
	}
	names, _, err := s.deptNames(r)
	if err != nil {
		return nil, err
	}
	return s.newPage(r, "post.title", "admin", &postsData{Posts: list, Depts: names}), nil
}

func (s *Server) posts(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.postsPage(r, a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "admin_posts", p)
}

func (s *Server) postPage(r *http.Request, a access.Actor, id int64) (*Page, error) {
	ctx := r.Context()
	p, err := s.app.Posts.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	d := &postData{Post: p, Names: map[int64]string{}, Today: s.app.Clock.Now().In(s.app.Loc).Format("2006-01-02")}
	if d.Holdings, err = s.app.Posts.Holdings(ctx, a, id); err != nil {
		return nil, err
	}
	users, err := s.app.Auth.List(ctx, a)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		name := u.DisplayName
		if name == "" {
			name = u.Username
		}
		d.Names[u.ID] = name
		if u.Active && u.OrgID == 0 {
			d.Users = append(d.Users, u)
		}
	}
	if _, d.Depts, err = s.deptNames(r); err != nil {
		return nil, err
	}
	pg := s.newPage(r, "", "admin", d)
	pg.Title = p.Label(pg.L.Lang)
	return pg, nil
}

func (s *Server) postDetail(w http.ResponseWriter, r *http.Request, a access.Actor) {
	p, err := s.postPage(r, a, pathInt(r, "id"))
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	s.render(w, r, http.StatusOK, "admin_post", p)
}

// postFail shows the post (or the list, for a new post) again with the error.
func (s *Server) postFail(w http.ResponseWriter, r *http.Request, a access.Actor, id int64, err error) {
	page, tpl := (*Page)(nil), "admin_post"
	var perr error
	if id == 0 {
		page, perr = s.postsPage(r, a)
		tpl = "admin_posts"
	} else {
		page, perr = s.postPage(r, a, id)
	}
	if perr != nil {
		s.fail(w, r, perr, "", nil)
		return
	}
	s.fail(w, r, err, tpl, page)
}

func (s *Server) postSave(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	f := r.PostForm
	id := pathInt(r, "id")
	dept, _ := strconv.ParseInt(f.Get("department_id"), 10, 64)
	in := post.Input{Code: f.Get("code"), Name: f.Get("name"), NameHant: f.Get("name_hant"), NameEn: f.Get("name_en"), DepartmentID: dept}
	var p post.Post
	var err error
	if id == 0 {
		p, err = s.app.Posts.Create(r.Context(), a, in)
	} else {
		p, err = s.app.Posts.Update(r.Context(), a, id, in)
	}
	if err != nil {
		s.postFail(w, r, a, id, err)
		return
	}
	redirect(w, r, "/admin/posts/"+strconv.FormatInt(p.ID, 10), "saved")
}

func (s *Server) postAssign(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	f := r.PostForm
	id := pathInt(r, "id")
	uid, _ := strconv.ParseInt(f.Get("user_id"), 10, 64)
	if _, err := s.app.Posts.Assign(r.Context(), a, id, post.AssignInput{UserID: uid, From: f.Get("from"), To: f.Get("to")}); err != nil {
		s.postFail(w, r, a, id, err)
		return
	}
	redirect(w, r, "/admin/posts/"+strconv.FormatInt(id, 10), "saved")
}

func (s *Server) postEnd(w http.ResponseWriter, r *http.Request, a access.Actor) {
	_ = r.ParseForm()
	id := pathInt(r, "id")
	if _, err := s.app.Posts.End(r.Context(), a, pathInt(r, "h"), r.PostForm.Get("to")); err != nil {
		s.postFail(w, r, a, id, err)
		return
	}
	redirect(w, r, "/admin/posts/"+strconv.FormatInt(id, 10), "saved")
}
