// Package demo loads a realistic Chinese business centre once: departments
// from the seeds, one user per role, clients and, as areas are added, their
// records. Loading again changes nothing.
package demo

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/app"
	"jiedai/internal/auth"
	"jiedai/internal/store"
)

// Password is every demo account's password (shown on the login page only
// in demo mode).
const Password = "jiedai-demo"

// step is one area's demo loader; it runs once, in order.
type step struct {
	name string
	load func(ctx context.Context, d *loader) error
}

// loader carries what the steps share.
type loader struct {
	app   *app.App
	sys   access.Actor
	now   time.Time
	users map[string]int64 // username → id
	depts map[string]int64 // code → id
	orgs  []int64
}

func steps() []step {
	return []step{
		{"people", loadPeople},
		{"clients", loadClients},
		{"bookings", loadBookings},
		{"receptions", loadReceptions}, // after the venues: a case books its meeting room
		{"meetings", loadMeetings},
		{"client-user", loadClientUser},
		{"site", loadSite},
		{"documents", loadDocuments}, // after the client user: it is asked to sign
		{"billing", loadBilling},
		{"books", loadBooks}, // after the client user: the portal side of the books
		{"posts", loadPosts},
		{"client-profiles", loadClientProfiles},
		{"resources", loadResources},
	}
}

// Load runs every demo step that has not run before on this database.
func Load(ctx context.Context, a *app.App) error {
	d := &loader{app: a, sys: access.SystemActor(), now: a.Clock.Now(), users: map[string]int64{}, depts: map[string]int64{}}
	for _, s := range steps() {
		key := "demo." + s.name
		var v string
		err := a.DB.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
		if err == nil {
			if err := d.reload(ctx); err != nil {
				return err
			}
			continue
		}
		if !store.IsNoRows(err) {
			return fmt.Errorf("demo: check %s: %w", s.name, err)
		}
		if err := s.load(ctx, d); err != nil {
			return fmt.Errorf("demo: load %s: %w", s.name, err)
		}
		if _, err := a.DB.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, 'loaded', ?)`, key, store.Ms(a.Clock.Now())); err != nil {
			return fmt.Errorf("demo: mark %s: %w", s.name, err)
		}
	}
	return nil
}

// reload fills the loader's maps from an already-loaded database.
func (d *loader) reload(ctx context.Context) error {
	if len(d.users) > 0 {
		return nil
	}
	rows, err := d.app.DB.Query(ctx, `SELECT id, username FROM users`)
	if err != nil {
		return fmt.Errorf("demo: read users: %w", err)
	}
	for rows.Next() {
		var id int64
		var u string
		if err := rows.Scan(&id, &u); err != nil {
			rows.Close()
			return err
		}
		d.users[u] = id
	}
	rows.Close()
	depts, err := d.app.Auth.Departments(ctx)
	if err != nil {
		return err
	}
	for _, dp := range depts {
		d.depts[dp.Code] = dp.ID
	}
	return nil
}

type person struct {
	username, name, dept string
	roles                []string
}

func loadPeople(ctx context.Context, d *loader) error {
	depts := []auth.DepartmentInput{
		{Code: "office", Name: "行政部", NameEn: "Office"},
		{Code: "reception", Name: "接待部", NameEn: "Reception"},
		{Code: "engineering", Name: "工程部", NameEn: "Engineering"},
		{Code: "security", Name: "保安部", NameEn: "Security"},
		{Code: "service", Name: "服务部", NameEn: "Service"},
		{Code: "leasing", Name: "营运招商部", NameEn: "Leasing"},
		{Code: "finance", Name: "财务部", NameEn: "Finance"},
		{Code: "audit", Name: "审计部", NameEn: "Audit"},
		{Code: "legal", Name: "法务部", NameEn: "Legal"},
		{Code: "executive", Name: "总经理办公室", NameEn: "Executive Office"},
		{Code: "sales", Name: "市场销售部", NameEn: "Sales"},
	}
	for _, in := range depts {
		id, err := d.app.Auth.SaveDepartment(ctx, d.sys, 0, in)
		if err != nil {
			return err
		}
		d.depts[in.Code] = id
	}
	people := []person{
		{"admin", "系统管理员", "office", []string{access.Admin}},
		{"office", "王静", "office", []string{access.Office}},
		{"supervisor", "李娜", "reception", []string{access.Supervisor}},
		{"receptionist", "陈晓", "reception", []string{access.Receptionist}},
		{"engineering", "赵建国", "engineering", []string{access.Engineering}},
		{"security", "孙海涛", "security", []string{access.Security}},
		{"service", "周敏", "service", []string{access.Service}},
		{"leasing", "吴磊", "leasing", []string{access.Leasing}},
		{"finance", "郑芳", "finance", []string{access.Finance}},
		{"audit", "冯立新", "audit", []string{access.Audit}},
		{"legal", "何雪梅", "legal", []string{access.Legal}},
		{"executive", "刘志远", "executive", []string{access.Executive}},
		{"manager", "黄伟", "sales", []string{access.Manager, access.Staff}},
		{"staff", "林小明", "sales", []string{access.Staff}},
	}
	for _, p := range people {
		u, err := d.app.Auth.Create(ctx, d.sys, auth.UserInput{Username: p.username, DisplayName: p.name, Password: Password,
			Roles: p.roles, DepartmentID: d.depts[p.dept], Email: p.username + "@demo.jiedai.local"})
		if err != nil {
			return fmt.Errorf("user %s: %w", p.username, err)
		}
		d.users[p.username] = u.ID
	}
	managers := map[string]string{"office": "office", "reception": "supervisor", "engineering": "engineering", "security": "security",
		"service": "service", "leasing": "leasing", "finance": "finance", "audit": "audit", "legal": "legal", "executive": "executive", "sales": "manager"}
	for _, in := range depts {
		in.ManagerID = d.users[managers[in.Code]]
		if _, err := d.app.Auth.SaveDepartment(ctx, d.sys, d.depts[in.Code], in); err != nil {
			return err
		}
	}
	return nil
}

// Accounts lists the demo accounts present: one per role, named after it.
func Accounts(ctx context.Context, a *app.App) ([]string, error) {
	users, err := a.Auth.List(ctx, access.SystemActor())
	if err != nil {
		return nil, err
	}
	active := map[string]bool{}
	for _, u := range users {
		active[u.Username] = u.Active
	}
	var out []string
	for _, role := range access.AllRoles {
		if active[role] {
			out = append(out, role)
		}
	}
	return out, nil
}
