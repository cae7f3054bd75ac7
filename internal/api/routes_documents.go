package api

import (
	"context"
	"net/http"

	"jiedai/internal/access"
	"jiedai/internal/ack"
	"jiedai/internal/doctemplate"
)

// Document templates with versions and acknowledgements:
// the same domain calls as the pages.

// The API names of the types, distinct from the meeting templates' in the
// OpenAPI document.
type (
	DocTemplate        doctemplate.Template
	DocTemplateVersion doctemplate.Version
	DocTemplateInput   doctemplate.Input
)

func docTemplates(ts []doctemplate.Template) []DocTemplate {
	out := make([]DocTemplate, len(ts))
	for i, t := range ts {
		out[i] = DocTemplate(t)
	}
	return out
}

type docTemplateListOut struct {
	Body struct {
		Templates []DocTemplate `json:"templates"`
	}
}

type docTemplateIn struct{ Body DocTemplateInput }

type docTemplateOut struct {
	Status int
	Body   DocTemplate
}

type docTemplateEditIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body DocTemplateInput
}

type docVersionOut struct{ Body DocTemplateVersion }

type docDecideIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Decision string `json:"decision" enum:"approve,return,reject"`
		Comment  string `json:"comment,omitempty" maxLength:"2000" doc:"Required to return or reject"`
	}
}

type ackRequestIn struct {
	ID   int64 `path:"id" minimum:"1" doc:"The published version"`
	Body struct {
		UserIDs       []int64 `json:"user_ids" maxItems:"500"`
		SubjectEntity string  `json:"subject_entity,omitempty" maxLength:"40"`
		SubjectID     int64   `json:"subject_id,omitempty"`
	}
}

type ackListOut struct {
	Body struct {
		Acknowledgements []ack.Ack `json:"acknowledgements"`
	}
}

type ackOut struct{ Body ack.Ack }

type signIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Name string `json:"name" maxLength:"100" doc:"The signer's full name, as typed"`
	}
}

func (s *Server) routesDocuments() {
	t, k := s.app.Templates, s.app.Acks
	acks := func(list []ack.Ack, err error) (*ackListOut, error) {
		if err != nil {
			return nil, err
		}
		out := &ackListOut{}
		out.Body.Acknowledgements = nonNil(list)
		return out, nil
	}
	handle(s, op(http.MethodGet, "/templates", "list-doc-templates", "Document templates with their versions (staff)", "documents", false),
		func(ctx context.Context, a access.Actor, _ *empty) (*docTemplateListOut, error) {
			list, err := t.List(ctx, a)
			if err != nil {
				return nil, err
			}
			out := &docTemplateListOut{}
			out.Body.Templates = docTemplates(list)
			return out, nil
		})
	handle(s, op(http.MethodPost, "/templates", "create-doc-template", "Add a template with its first draft version (office, leasing, legal, supervisor)", "documents", false),
		func(ctx context.Context, a access.Actor, in *docTemplateIn) (*docTemplateOut, error) {
			tp, err := t.Create(ctx, a, doctemplate.Input(in.Body))
			if err != nil {
				return nil, err
			}
			return &docTemplateOut{Status: http.StatusCreated, Body: DocTemplate(tp)}, nil
		})
	handle(s, op(http.MethodGet, "/templates/{id}", "get-doc-template", "A template with its versions, newest first (staff)", "documents", false),
		func(ctx context.Context, a access.Actor, in *idPath) (*docTemplateOut, error) {
			tp, err := t.Get(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			return &docTemplateOut{Status: http.StatusOK, Body: DocTemplate(tp)}, nil
		})
	handle(s, op(http.MethodPut, "/templates/{id}", "edit-doc-template", "Save the text: into the draft, or as a new draft version when the newest is published", "documents", false),
		func(ctx context.Context, a access.Actor, in *docTemplateEditIn) (*docVersionOut, error) {
			v, err := t.Edit(ctx, a, in.ID, doctemplate.Input(in.Body))
			if err != nil {
				return nil, err
			}
			return &docVersionOut{Body: DocTemplateVersion(v)}, nil
		})
	handle(s, op(http.MethodPost, "/template-versions/{id}/submit", "submit-doc-template", "Send a draft version for approval", "documents", false),
		func(ctx context.Context, a access.Actor, in *idPath) (*noContent, error) {
			return &noContent{Status: http.StatusNoContent}, t.Submit(ctx, a, in.ID)
		})
	handle(s, op(http.MethodPost, "/template-versions/{id}/decide", "decide-doc-template", "Approve (publish), return or reject a version awaiting approval", "documents", false),
		func(ctx context.Context, a access.Actor, in *docDecideIn) (*noContent, error) {
			return &noContent{Status: http.StatusNoContent}, t.Decide(ctx, a, in.ID, in.Body.Decision, in.Body.Comment)
		})
	handle(s, op(http.MethodGet, "/template-versions/{id}/acknowledgements", "list-version-acknowledgements", "Who has and has not signed a version, unsigned first", "documents", false),
		func(ctx context.Context, a access.Actor, in *idPath) (*ackListOut, error) {
			return acks(k.Status(ctx, a, in.ID))
		})
	handle(s, op(http.MethodPost, "/template-versions/{id}/acknowledgements", "request-acknowledgements", "Ask people to acknowledge a published version", "documents", false),
		func(ctx context.Context, a access.Actor, in *ackRequestIn) (*ackListOut, error) {
			return acks(k.Request(ctx, a, ack.RequestInput{VersionID: in.ID, UserIDs: in.Body.UserIDs, SubjectEntity: in.Body.SubjectEntity, SubjectID: in.Body.SubjectID}))
		})
	handle(s, op(http.MethodGet, "/acknowledgements", "list-my-acknowledgements", "The acknowledgements asked of the caller, newest first", "documents", false),
		func(ctx context.Context, a access.Actor, _ *empty) (*ackListOut, error) {
			return acks(k.Mine(ctx, a))
		})
	handle(s, op(http.MethodGet, "/acknowledgements/{id}", "get-acknowledgement", "One acknowledgement (the person asked, or the staff who ask)", "documents", false),
		func(ctx context.Context, a access.Actor, in *idPath) (*ackOut, error) {
			x, err := k.Get(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			return &ackOut{Body: x}, nil
		})
	handle(s, op(http.MethodPost, "/acknowledgements/{id}/sign", "sign-acknowledgement", "Sign one's own acknowledgement with one's typed name (time and address recorded)", "documents", false),
		func(ctx context.Context, a access.Actor, in *signIn) (*ackOut, error) {
			x, err := k.Sign(ctx, a, in.ID, in.Body.Name)
			if err != nil {
				return nil, err
			}
			return &ackOut{Body: x}, nil
		})
}
