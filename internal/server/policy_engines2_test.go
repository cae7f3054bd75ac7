package server_test

import (
	"context"
	"strings"

	"jiedai/internal/access"
	"jiedai/internal/post"
)

// postID is the seeded post cs_supervisor (客服主管).
func (e *authzEnv) postID() int64 {
	return e.once("post", func() int64 {
		var id int64
		if err := e.app.DB.QueryRow(context.Background(), `SELECT id FROM posts WHERE code = ?`, post.CSSupervisor).Scan(&id); err != nil {
			e.t.Fatal(err)
		}
		return id
	})
}

// holding is e.user holding cs_supervisor from 2026-01-01, open-ended
// (the one an allowed assign call made, if any).
func (e *authzEnv) holding() int64 {
	return e.once("post_holding", func() int64 {
		var id int64
		err := e.app.DB.QueryRow(context.Background(), `SELECT id FROM post_holders WHERE post_id = ? AND user_id = ? ORDER BY id LIMIT 1`, e.postID(), e.user).Scan(&id)
		if err == nil {
			return id
		}
		h, err := e.app.Posts.Assign(context.Background(), e.by[access.Admin].actor, e.postID(), post.AssignInput{UserID: e.user, From: "2026-01-01"})
		if err != nil {
			e.t.Fatalf("fixture post holding: %v", err)
		}
		return h.ID
	})
}

// onPost: {id} is the post cs_supervisor, {h} a holding of it; {s} in the
// body is the subject's name, {u} the staff user e.user.
func onPost(body string) func(*authzEnv, *subject, string) call {
	return func(e *authzEnv, s *subject, p string) call {
		values := map[string]string{"id": idStr(e.postID())}
		if strings.Contains(p, "{h}") {
			values["h"] = idStr(e.holding())
		}
		body := strings.ReplaceAll(strings.ReplaceAll(body, "{s}", strings.ReplaceAll(s.name, "_", "-")), "{u}", idStr(e.user))
		return call{path: fillParams(p, values), body: body}
	}
}

// onHolding: {id} of the API path is a holding of cs_supervisor.
func onHolding(body string) func(*authzEnv, *subject, string) call {
	return func(e *authzEnv, _ *subject, p string) call {
		return call{path: fillParams(p, map[string]string{"id": idStr(e.holding())}), body: body}
	}
}

// onStaffUser: {id} is e.user, a member of staff.
func onStaffUser(e *authzEnv, _ *subject, p string) call {
	return call{path: fillParams(p, map[string]string{"id": idStr(e.user)})}
}

// engines2Policy is who may call the routes of the shared engine
// extensions: the client organisations' billing profile (client.CanEditBilling)
// and posts (internal/post: CanRead staff, CanManage admin).
func engines2Policy() []rule {
	admin := roles(access.Admin)
	return []rule{
		// Staff, and orgA's own client user (portal); orgB's does not see orgA (404).
		{route: "PUT /api/v1/clients/{id}/billing", allow: staff().plus(clientA), make: onClient(false, "", `{"tax_id":"91110108MA01ABCD2X","fapiao_type":"general"}`)},
		{route: "POST /clients/{id}/billing", allow: staff().plus(clientA), make: onClient(false, "", "tax_id=91110108MA01ABCD2X&fapiao_type=general")},

		{route: "GET /api/v1/posts", allow: staff()},
		{route: "POST /api/v1/posts", allow: admin, make: onPost(`{"code":"authz-{s}","name":"授权岗位"}`)},
		{route: "PUT /api/v1/posts/{id}", allow: admin, make: onPost(`{"code":"cs_supervisor","name":"客服主管"}`)},
		{route: "GET /api/v1/posts/{id}/holders", allow: staff(), make: onPost("")},
		{route: "POST /api/v1/posts/{id}/holders", allow: admin, make: onPost(`{"user_id":{u},"from":"2026-01-01"}`)},
		{route: "POST /api/v1/post-holdings/{id}/end", allow: admin, make: onHolding(`{}`)},
		{route: "GET /api/v1/users/{id}/posts", allow: staff(), make: onStaffUser},
		{route: "GET /admin/posts", allow: admin},
		{route: "POST /admin/posts", allow: admin, make: onPost("code=authz-{s}&name=%E5%B2%97")},
		{route: "GET /admin/posts/{id}", allow: admin, make: onPost("")},
		{route: "POST /admin/posts/{id}", allow: admin, make: onPost("code=cs_supervisor&name=%E5%AE%A2%E6%9C%8D%E4%B8%BB%E7%AE%A1")},
		{route: "POST /admin/posts/{id}/holders", allow: admin, make: onPost("user_id={u}&from=2026-01-01")},
		{route: "POST /admin/posts/{id}/holders/{h}/end", allow: admin, make: onPost("to=")},
	}
}
