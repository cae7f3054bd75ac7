package api

import (
	"context"
	"net/http"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/meeting"
)

type meetingConfigOut struct {
	Body meeting.Config
}

type meetingConfigIn struct {
	Body meeting.Config
}

// routesMeetingConfig: the meeting settings (how early a meeting may be
// opened), read by staff and set by an admin.
func (s *Server) routesMeetingConfig() {
	const tag = "meetings"
	handle(s, op(http.MethodGet, "/meeting-config", "get-meeting-config", "The meeting settings", tag, false),
		func(ctx context.Context, a access.Actor, _ *struct{}) (*meetingConfigOut, error) {
			if !a.IsStaff() {
				return nil, errs.Forbid()
			}
			c, err := s.app.Meetings.Config(ctx)
			if err != nil {
				return nil, err
			}
			return &meetingConfigOut{Body: c}, nil
		})
	handle(s, op(http.MethodPut, "/meeting-config", "set-meeting-config", "Change the meeting settings (admin)", tag, false),
		func(ctx context.Context, a access.Actor, in *meetingConfigIn) (*meetingConfigOut, error) {
			c, err := s.app.Meetings.SaveConfig(ctx, a, in.Body)
			if err != nil {
				return nil, err
			}
			return &meetingConfigOut{Body: c}, nil
		})
}
