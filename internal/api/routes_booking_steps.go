package api

import (
	"context"
	"net/http"

	"jiedai/internal/access"
	"jiedai/internal/booking"
)

type roomRulesIn struct{ Body booking.RoomRules }

type roomRulesOut struct{ Body booking.RoomRules }

// routesBookingSteps are the steps of venue booking added from issue 10:
// the room usage rules.
func (s *Server) routesBookingSteps() {
	b := s.app.Bookings
	handle(s, op(http.MethodGet, "/room-rules", "get-room-rules", "The room usage rules (会场使用须知) per language", "bookings", false),
		func(ctx context.Context, a access.Actor, _ *struct{}) (*roomRulesOut, error) {
			r, err := b.RoomRules(ctx, nil)
			if err != nil {
				return nil, err
			}
			return &roomRulesOut{Body: r}, nil
		})
	handle(s, op(http.MethodPut, "/room-rules", "set-room-rules", "Replace the room usage rules (office)", "bookings", false),
		func(ctx context.Context, a access.Actor, in *roomRulesIn) (*roomRulesOut, error) {
			r, err := b.SetRoomRules(ctx, a, in.Body)
			if err != nil {
				return nil, err
			}
			return &roomRulesOut{Body: r}, nil
		})
}
