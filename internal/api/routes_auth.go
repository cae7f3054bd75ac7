package api

import (
	"context"
	"net/http"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/auth"
)

type tokenCreateIn struct {
	Body struct {
		Username string `json:"username" minLength:"1" maxLength:"64"`
		Password string `json:"password" minLength:"1" maxLength:"256"`
		Name     string `json:"name,omitempty" maxLength:"64" doc:"A label for the token"`
		Days     int    `json:"expires_in_days,omitempty" minimum:"1" maximum:"365" doc:"Days until the token expires (default 90)"`
	}
}

type tokenCreateOut struct {
	Status int
	Body   struct {
		Token string `json:"token" doc:"Send as Authorization: Bearer <token>; shown only once"`
		ID    int64  `json:"id"`
	}
}

type tokenListOut struct {
	Body struct {
		Tokens []auth.Token `json:"tokens"`
	}
}

type idPath struct {
	ID int64 `path:"id" minimum:"1"`
}

type empty struct{}

type noContent struct{ Status int }

// Me is the signed-in user's own record.
type Me struct {
	ID           int64    `json:"id"`
	Username     string   `json:"username"`
	DisplayName  string   `json:"display_name"`
	Roles        []string `json:"roles"`
	DepartmentID int64    `json:"department_id,omitempty"`
	OrgID        int64    `json:"org_id,omitempty"`
	Lang         string   `json:"lang"`
}

type meOut struct{ Body Me }

func (s *Server) routesAuth() {
	handlePublic(s, op(http.MethodPost, "/tokens", "create-token", "Exchange a username and password for an API token", "auth", true),
		func(ctx context.Context, in *tokenCreateIn) (*tokenCreateOut, error) {
			ip := ipFrom(ctx)
			u, err := s.app.Auth.Authenticate(ctx, in.Body.Username, in.Body.Password, ip)
			if err != nil {
				return nil, err
			}
			name := in.Body.Name
			if name == "" {
				name = "api " + s.app.Clock.Now().In(s.app.Loc).Format(time.DateTime)
			}
			tok, id, err := s.app.Auth.IssueTokenFor(ctx, u.Actor(ip), name, in.Body.Days)
			if err != nil {
				return nil, err
			}
			out := &tokenCreateOut{Status: http.StatusCreated}
			out.Body.Token, out.Body.ID = tok, id
			return out, nil
		})
	handle(s, op(http.MethodGet, "/tokens", "list-tokens", "List my API tokens", "auth", false),
		func(ctx context.Context, a access.Actor, _ *empty) (*tokenListOut, error) {
			toks, err := s.app.Auth.Tokens(ctx, a)
			if err != nil {
				return nil, err
			}
			out := &tokenListOut{}
			out.Body.Tokens = toks
			return out, nil
		})
	handle(s, op(http.MethodDelete, "/tokens/{id}", "revoke-token", "Revoke one of my API tokens (the others stay valid)", "auth", false),
		func(ctx context.Context, a access.Actor, in *idPath) (*noContent, error) {
			if err := s.app.Auth.RevokeToken(ctx, a, in.ID); err != nil {
				return nil, err
			}
			return &noContent{Status: http.StatusNoContent}, nil
		})
	handle(s, op(http.MethodGet, "/me", "get-me", "The signed-in user", "auth", false),
		func(ctx context.Context, a access.Actor, _ *empty) (*meOut, error) {
			u, err := s.app.Auth.Get(ctx, a.UserID)
			if err != nil {
				return nil, err
			}
			return &meOut{Body: Me{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Roles: u.Roles, DepartmentID: u.DepartmentID, OrgID: u.OrgID, Lang: u.Lang}}, nil
		})
}
