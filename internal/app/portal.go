package app

import (
	"context"

	"jiedai/internal/access"
	"jiedai/internal/ack"
	"jiedai/internal/doctemplate"
)

// The client portal "我的租务 / My tenancy" is one page of sections,
// one per area, for client users. An area adds its section with
// a.Portal = append(a.Portal, source) when it is wired in; the source
// returns a section with a Key and the items of the reader's own
// organisation only, and the page leaves out sections without items.
// The pending acknowledgements section is the first.

// wireDocuments wires the document templates and the
// acknowledgements that point at their versions.
func (a *App) wireDocuments() {
	a.Templates = doctemplate.New(a.DB, a.Clock)
	a.Acks = ack.New(a.DB, a.Clock)
	a.Acks.Notify = a.Notify.Notify
	a.Templates.OnPublish = a.Acks.OnPublish
	a.Files.Guard(ack.Entity, func(ctx context.Context, act access.Actor, id int64) (bool, error) {
		_, err := a.Acks.Get(ctx, act, id)
		return err == nil, nil
	})
	a.Today = append(a.Today, a.pendingAcks)
	a.Portal = append(a.Portal, a.pendingAcks)
}

// pendingAcks is the reader's acknowledgements waiting for a signature.
func (a *App) pendingAcks(ctx context.Context, act access.Actor, lang string) (TodaySection, error) {
	sec := TodaySection{TitleKey: "ack.section", EmptyKey: "ack.none", MoreLink: "/acks"}
	list, err := a.Acks.Pending(ctx, act, act.UserID)
	if err != nil || len(list) == 0 {
		return sec, err
	}
	sec.Key = "acks"
	for _, k := range list {
		sec.Items = append(sec.Items, TodayItem{Title: k.Title, Detail: a.I18n.T(lang, "ack.version_requested", map[string]any{"v": k.Version, "at": k.RequestedAt.In(a.Loc).Format("2006-01-02")}), Link: ack.Link(k.ID)})
	}
	return sec, nil
}
