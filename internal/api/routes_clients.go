package api

import (
	"context"
	"net/http"

	"jiedai/internal/access"
	"jiedai/internal/client"
)

type clientListIn struct {
	Q      string `query:"q" maxLength:"100" doc:"Part of the name, short name or phone"`
	Limit  int    `query:"limit" minimum:"0" maximum:"500"`
	Offset int    `query:"offset" minimum:"0"`
}

type clientListOut struct {
	Body struct {
		Clients []client.Org `json:"clients"`
		Total   int          `json:"total"`
	}
}

type clientIn struct{ Body client.OrgInput }

type clientUpdateIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body client.OrgInput
}

type clientBillingIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body client.BillingProfile
}

type clientOut struct {
	Status int
	Body   client.Org
}

type clientDetailOut struct {
	Body struct {
		Client   client.Org           `json:"client"`
		Contacts []client.Contact     `json:"contacts"`
		History  []client.HistoryItem `json:"history"`
	}
}

type mergeIn struct {
	ID   int64 `path:"id" minimum:"1" doc:"The record kept"`
	Body struct {
		DuplicateID int64 `json:"duplicate_id" minimum:"1" doc:"The duplicate folded into it"`
	}
}

type contactIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body client.ContactInput
}

type contactOut struct {
	Status int
	Body   client.Contact
}

type duplicatesOut struct {
	Body struct {
		Pairs []duplicatePair `json:"pairs"`
	}
}

type duplicatePair struct {
	A      client.Org `json:"a"`
	B      client.Org `json:"b"`
	Reason string     `json:"reason" enum:"name,phone,website"`
}

func (s *Server) routesClients() {
	c := s.app.Clients
	handle(s, op(http.MethodGet, "/clients", "list-clients", "List client organisations (client users see their own)", "clients", false),
		func(ctx context.Context, a access.Actor, in *clientListIn) (*clientListOut, error) {
			list, total, err := c.List(ctx, a, client.Filter{Q: in.Q, Limit: in.Limit, Offset: in.Offset})
			if err != nil {
				return nil, err
			}
			out := &clientListOut{}
			out.Body.Clients, out.Body.Total = nonNil(list), total
			return out, nil
		})
	handle(s, op(http.MethodPost, "/clients", "create-client", "Add a client organisation", "clients", false),
		func(ctx context.Context, a access.Actor, in *clientIn) (*clientOut, error) {
			o, err := c.Create(ctx, a, in.Body)
			if err != nil {
				return nil, err
			}
			return &clientOut{Status: http.StatusCreated, Body: o}, nil
		})
	handle(s, op(http.MethodGet, "/clients/{id}", "get-client", "A client organisation with its contacts and history", "clients", false),
		func(ctx context.Context, a access.Actor, in *idPath) (*clientDetailOut, error) {
			o, err := c.Get(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			out := &clientDetailOut{}
			out.Body.Client = o
			if out.Body.Contacts, err = c.Contacts(ctx, a, o.ID); err != nil {
				return nil, err
			}
			if out.Body.History, err = c.History(ctx, a, o.ID, 0); err != nil {
				return nil, err
			}
			out.Body.Contacts, out.Body.History = nonNil(out.Body.Contacts), nonNil(out.Body.History)
			return out, nil
		})
	handle(s, op(http.MethodPut, "/clients/{id}", "update-client", "Edit a client organisation", "clients", false),
		func(ctx context.Context, a access.Actor, in *clientUpdateIn) (*clientOut, error) {
			o, err := c.Update(ctx, a, in.ID, in.Body)
			if err != nil {
				return nil, err
			}
			return &clientOut{Status: http.StatusOK, Body: o}, nil
		})
	handle(s, op(http.MethodPut, "/clients/{id}/billing", "update-client-billing", "Replace an organisation's billing profile (开票信息; staff, and the organisation's own client users)", "clients", false),
		func(ctx context.Context, a access.Actor, in *clientBillingIn) (*clientOut, error) {
			o, err := c.UpdateBilling(ctx, a, in.ID, in.Body)
			if err != nil {
				return nil, err
			}
			return &clientOut{Status: http.StatusOK, Body: o}, nil
		})
	handle(s, op(http.MethodPost, "/clients/{id}/merge", "merge-clients", "Fold a duplicate organisation into this one (office, supervisor)", "clients", false),
		func(ctx context.Context, a access.Actor, in *mergeIn) (*clientOut, error) {
			o, err := c.Merge(ctx, a, in.ID, in.Body.DuplicateID)
			if err != nil {
				return nil, err
			}
			return &clientOut{Status: http.StatusOK, Body: o}, nil
		})
	handle(s, op(http.MethodGet, "/client-duplicates", "list-client-duplicates", "Organisations that look like duplicates (office, supervisor)", "clients", false),
		func(ctx context.Context, a access.Actor, _ *empty) (*duplicatesOut, error) {
			pairs, err := c.Duplicates(ctx, a)
			if err != nil {
				return nil, err
			}
			out := &duplicatesOut{}
			out.Body.Pairs = []duplicatePair{}
			for _, p := range pairs {
				out.Body.Pairs = append(out.Body.Pairs, duplicatePair{A: p.A, B: p.B, Reason: p.Reason})
			}
			return out, nil
		})
	handle(s, op(http.MethodPost, "/clients/{id}/contacts", "create-client-contact", "Add a contact to an organisation", "clients", false),
		func(ctx context.Context, a access.Actor, in *contactIn) (*contactOut, error) {
			ct, err := c.CreateContact(ctx, a, in.ID, in.Body)
			if err != nil {
				return nil, err
			}
			return &contactOut{Status: http.StatusCreated, Body: ct}, nil
		})
	handle(s, op(http.MethodPut, "/client-contacts/{id}", "update-client-contact", "Edit a contact", "clients", false),
		func(ctx context.Context, a access.Actor, in *contactIn) (*contactOut, error) {
			ct, err := c.UpdateContact(ctx, a, in.ID, in.Body)
			if err != nil {
				return nil, err
			}
			return &contactOut{Status: http.StatusOK, Body: ct}, nil
		})
	handle(s, op(http.MethodPost, "/client-contacts/{id}/erase", "erase-client-contact", "Erase a contact's personal data on their request (PIPL; office, supervisor): blanked with their guest lines and in older audit rows, counts kept", "clients", false),
		func(ctx context.Context, a access.Actor, in *idPath) (*noContent, error) {
			if err := c.EraseContact(ctx, a, in.ID); err != nil {
				return nil, err
			}
			return &noContent{Status: http.StatusNoContent}, nil
		})
	handle(s, op(http.MethodPost, "/client-contacts/{id}/merge", "merge-client-contacts", "Fold a duplicate contact into this one (office, supervisor)", "clients", false),
		func(ctx context.Context, a access.Actor, in *mergeIn) (*contactOut, error) {
			ct, err := c.MergeContacts(ctx, a, in.ID, in.Body.DuplicateID)
			if err != nil {
				return nil, err
			}
			return &contactOut{Status: http.StatusOK, Body: ct}, nil
		})
}

// nonNil turns a nil slice into an empty one so JSON shows [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
