package api

import (
	"encoding/json"
	"reflect"

	"github.com/danielgtaylor/huma/v2"

	"jiedai/internal/access"
	"jiedai/internal/reception"
)

// caseBody is a case as its reader may see it: the whole case for staff,
// the domain's client view for a client user (reception.ClientView).
type caseBody struct {
	full   *reception.Reception
	client *reception.ClientView
}

// caseFor returns the body of case r for actor a.
func caseFor(a access.Actor, r reception.Reception) caseBody {
	if a.IsClient() {
		v := r.ClientView()
		return caseBody{client: &v}
	}
	return caseBody{full: &r}
}

// MarshalJSON writes the view the body holds.
func (b caseBody) MarshalJSON() ([]byte, error) {
	if b.client != nil {
		return json.Marshal(b.client)
	}
	return json.Marshal(b.full)
}

// Schema documents the body as one of the two views.
func (caseBody) Schema(r huma.Registry) *huma.Schema {
	return &huma.Schema{
		Description: "The whole case for staff; a client user gets the client view.",
		OneOf: []*huma.Schema{
			r.Schema(reflect.TypeFor[reception.Reception](), true, "Reception"),
			r.Schema(reflect.TypeFor[reception.ClientView](), true, "ReceptionClientView"),
		},
	}
}

type caseOut struct {
	Body caseBody
}

type caseListOut struct {
	Body struct {
		Receptions []caseBody `json:"receptions"`
		Total      int        `json:"total"`
	}
}
