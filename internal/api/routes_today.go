package api

import (
	"context"
	"net/http"

	"jiedai/internal/access"
	"jiedai/internal/app"
	"jiedai/internal/notify"
)

type todayOut struct {
	Body struct {
		Sections []todaySection `json:"sections"`
	}
}

type todaySection struct {
	Key   string          `json:"key"`
	Title string          `json:"title"`
	Items []app.TodayItem `json:"items"`
}

type inboxIn struct {
	Unread bool `query:"unread" doc:"Only unread messages"`
	Limit  int  `query:"limit" minimum:"0" maximum:"500"`
}

type inboxOut struct {
	Body struct {
		Messages []notify.Notification `json:"messages"`
		Unread   int                   `json:"unread"`
	}
}

func (s *Server) routesToday() {
	handle(s, op(http.MethodGet, "/today", "get-today", "What the caller must do today: tasks due, approvals waiting, unread messages, and each area's items", "today", false),
		func(ctx context.Context, a access.Actor, _ *empty) (*todayOut, error) {
			lang := langOf(ctx)
			out := &todayOut{}
			out.Body.Sections = []todaySection{}
			for _, src := range s.app.Today {
				sec, err := src(ctx, a, lang)
				if err != nil {
					return nil, err
				}
				items := sec.Items
				if items == nil {
					items = []app.TodayItem{}
				}
				out.Body.Sections = append(out.Body.Sections, todaySection{Key: sec.Key, Title: s.app.I18n.T(lang, sec.TitleKey, nil), Items: items})
			}
			return out, nil
		})
	handle(s, op(http.MethodGet, "/inbox", "list-inbox", "My inbox, newest first, in my language", "today", false),
		func(ctx context.Context, a access.Actor, in *inboxIn) (*inboxOut, error) {
			limit := in.Limit
			if limit == 0 {
				limit = 100
			}
			var list []notify.Notification
			var err error
			if in.Unread {
				list, err = s.app.Notify.Unread(ctx, a, limit)
			} else {
				list, err = s.app.Notify.Inbox(ctx, a, limit)
			}
			if err != nil {
				return nil, err
			}
			out := &inboxOut{}
			out.Body.Messages = list
			if out.Body.Messages == nil {
				out.Body.Messages = []notify.Notification{}
			}
			if out.Body.Unread, err = s.app.Notify.UnreadCount(ctx, a.UserID); err != nil {
				return nil, err
			}
			return out, nil
		})
	handle(s, op(http.MethodPost, "/inbox/{id}/read", "read-inbox", "Mark one of my messages read", "today", false),
		func(ctx context.Context, a access.Actor, in *idPath) (*noContent, error) {
			if err := s.app.Notify.MarkRead(ctx, a, in.ID); err != nil {
				return nil, err
			}
			return &noContent{Status: http.StatusNoContent}, nil
		})
}
