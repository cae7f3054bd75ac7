package server_test

import (
	"context"
	"fmt"

	"jiedai/internal/access"
	"jiedai/internal/ack"
	"jiedai/internal/booking"
	"jiedai/internal/doctemplate"
)

// formsPolicy: the printed forms in copies, document templates
// acknowledgements and the client portal.
// Registering a print is for the staff who may read the record; the
// record's own client users read the record's page instead (403), other
// organisations' get 404. Templates are staff reading, the owning
// departments editing, the kind's reviewer (legal for contracts)
// deciding. An acknowledgement is read by the person asked (clientA here)
// and the staff who ask, and signed by the person only.
func formsPolicy() []rule {
	editors := roles(access.Office, access.Leasing, access.Legal, access.Supervisor)
	requesters := roles(access.Office, access.Leasing, access.Legal, access.Supervisor, access.Service, access.Security)
	onTpl := func(body string) func(*authzEnv, *subject, string) call {
		return func(e *authzEnv, _ *subject, p string) call {
			return call{path: fillParams(p, map[string]string{"id": idStr(e.template().TemplateID)}), body: body}
		}
	}
	onVersion := func(make func(e *authzEnv) int64, action, body string) func(*authzEnv, *subject, string) call {
		return func(e *authzEnv, _ *subject, p string) call {
			return call{path: fillParams(p, map[string]string{"id": idStr(make(e)), "action": action}), body: body}
		}
	}
	published := func(e *authzEnv) int64 { return e.template().ID }
	draft := func(e *authzEnv) int64 { return e.newVersion(false) }
	submitted := func(e *authzEnv) int64 { return e.newVersion(true) }
	onAck := func(fresh bool, body string) func(*authzEnv, *subject, string) call {
		return func(e *authzEnv, _ *subject, p string) call {
			id := e.once("ack", func() int64 { return e.newAck() })
			if fresh {
				id = e.newAck()
			}
			return call{path: fillParams(p, map[string]string{"id": idStr(id)}), body: body}
		}
	}
	scan := func(e *authzEnv, _ *subject, p string) call {
		return upload(fillParams(p, map[string]string{"id": idStr(e.newAck())}), nil)
	}
	tplForm := "title=%E5%8D%8F%E8%AE%AE&body_zh_hans=%E6%AD%A3%E6%96%87"
	tplJSON := `{"code":"api-%s","kind":"contract","title":"协议","body_zh_hans":"正文"}`
	clients := roles().plus(clientA, clientB)
	return []rule{
		{route: "GET /bookings/{id}/letter/print", allow: canSee().but(clientA), make: onBooking(booking.StatusApproved, false, "", "")},
		{route: "POST /bookings/{id}/letter/print", allow: canSee().but(clientA), make: onBooking(booking.StatusApproved, false, "", "reason=%E8%A1%A5%E6%89%93")},

		{route: "GET /templates", allow: staff(), make: plain("")},
		{route: "GET /templates/new", allow: editors, make: plain("")},
		{route: "POST /templates/new", allow: editors, make: func(_ *authzEnv, s *subject, p string) call {
			return call{path: p, body: "code=web-" + s.name + "&kind=handbook&" + tplForm}
		}},
		{route: "GET /templates/{id}", allow: staff(), make: onTpl("")},
		{route: "POST /templates/{id}/edit", allow: editors, make: onTpl(tplForm)},
		{route: "POST /templates/versions/{id}/{action}", variant: "submit", allow: editors, make: onVersion(draft, "submit", "")},
		{route: "POST /templates/versions/{id}/{action}", variant: "decide", allow: roles(access.Legal), make: onVersion(submitted, "decide", "decision=approve")},
		{route: "POST /templates/versions/{id}/{action}", variant: "request", allow: requesters, make: func(e *authzEnv, _ *subject, p string) call {
			return call{path: fillParams(p, map[string]string{"id": idStr(e.template().ID), "action": "request"}), body: "user_id=" + idStr(e.by[clientA].user.ID)}
		}},
		{route: "GET /acks", allow: signedIn(), make: plain("")},
		{route: "GET /acks/{id}", allow: requesters.plus(clientA), make: onAck(false, "")},
		{route: "POST /acks/{id}/sign", allow: roles().plus(clientA), make: onAck(true, "name=%E8%B5%B5%E7%A3%8A")},
		{route: "POST /acks/{id}/scan", allow: requesters, make: scan},
		{route: "GET /portal", allow: clients, make: plain("")},

		{route: "GET /api/v1/templates", allow: staff(), make: plain("")},
		{route: "POST /api/v1/templates", allow: editors, make: func(_ *authzEnv, s *subject, p string) call {
			return call{path: p, body: fmt.Sprintf(tplJSON, s.name)}
		}},
		{route: "GET /api/v1/templates/{id}", allow: staff(), make: onTpl("")},
		{route: "PUT /api/v1/templates/{id}", allow: editors, make: onTpl(`{"title":"协议","body_zh_hans":"正文"}`)},
		{route: "POST /api/v1/template-versions/{id}/submit", allow: editors, make: onVersion(draft, "", "")},
		{route: "POST /api/v1/template-versions/{id}/decide", allow: roles(access.Legal), make: onVersion(submitted, "", `{"decision":"approve"}`)},
		{route: "GET /api/v1/template-versions/{id}/acknowledgements", allow: requesters, make: onVersion(published, "", "")},
		{route: "POST /api/v1/template-versions/{id}/acknowledgements", allow: requesters, make: func(e *authzEnv, _ *subject, p string) call {
			return call{path: fillParams(p, map[string]string{"id": idStr(e.template().ID)}), body: fmt.Sprintf(`{"user_ids":[%d]}`, e.by[clientA].user.ID)}
		}},
		{route: "GET /api/v1/acknowledgements", allow: signedIn(), make: plain("")},
		{route: "GET /api/v1/acknowledgements/{id}", allow: requesters.plus(clientA), make: onAck(false, "")},
		{route: "POST /api/v1/acknowledgements/{id}/sign", allow: roles().plus(clientA), make: onAck(true, `{"name":"赵磊"}`)},
	}
}

// template is the published version of a contract template, made once.
func (e *authzEnv) template() doctemplate.Version {
	id := e.once("doc-template", func() int64 {
		ctx, sys := context.Background(), access.SystemActor()
		t, err := e.app.Templates.Create(ctx, sys, doctemplate.Input{Code: "policy", Kind: "contract", Title: "标准租赁合同", BodyZhHans: "甲方：{{site.name}}"})
		if err != nil {
			e.t.Fatal(err)
		}
		v := t.Latest().ID
		if err := e.app.Templates.Submit(ctx, sys, v); err != nil {
			e.t.Fatal(err)
		}
		if err := e.app.Templates.Decide(ctx, sys, v, "approve", ""); err != nil {
			e.t.Fatal(err)
		}
		return v
	})
	v, err := e.app.Templates.Version(context.Background(), access.SystemActor(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// newVersion makes a new contract template with a draft version, sent
// for approval when submitted, and returns the version.
func (e *authzEnv) newVersion(submitted bool) int64 {
	ctx, sys := context.Background(), access.SystemActor()
	e.shared["tpl-n"]++
	t, err := e.app.Templates.Create(ctx, sys, doctemplate.Input{Code: fmt.Sprintf("policy-%d", e.shared["tpl-n"]), Kind: "contract", Title: "合同", BodyZhHans: "正文"})
	if err != nil {
		e.t.Fatal(err)
	}
	v := t.Latest().ID
	if submitted {
		if err := e.app.Templates.Submit(ctx, sys, v); err != nil {
			e.t.Fatal(err)
		}
	}
	return v
}

// newAck asks clientA to acknowledge the published template version.
func (e *authzEnv) newAck() int64 {
	ctx := context.Background()
	// a new published version each time, so that the request is new
	v := e.newVersion(true)
	if err := e.app.Templates.Decide(ctx, access.SystemActor(), v, "approve", ""); err != nil {
		e.t.Fatal(err)
	}
	ks, err := e.app.Acks.Request(ctx, access.SystemActor(), ack.RequestInput{VersionID: v, UserIDs: []int64{e.by[clientA].user.ID}})
	if err != nil || len(ks) != 1 {
		e.t.Fatalf("ask clientA: %v", err)
	}
	return ks[0].ID
}
