package api

import (
	"context"
	"net/http"

	"jiedai/internal/access"
)

type caseRoomIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		VenueID int64  `json:"venue_id" minimum:"1"`
		Start   string `json:"start" maxLength:"5" doc:"HH:MM on the visit day, site time"`
		End     string `json:"end" maxLength:"5" doc:"HH:MM on the visit day, site time"`
	}
}

// routesReceptionRoom: a case's meeting room, booked through the booking
// rules as internal use approved with the case.
func (s *Server) routesReceptionRoom() {
	handle(s, op(http.MethodPost, "/receptions/{id}/room", "book-reception-room",
		"Book the case's meeting room: internal use, approved with the case, its cost on the case's budget; refused with alternatives when taken", "receptions", false),
		func(ctx context.Context, a access.Actor, in *caseRoomIn) (*bookingOut, error) {
			b, err := s.app.BookCaseRoom(ctx, a, in.ID, in.Body.VenueID, in.Body.Start, in.Body.End)
			if err != nil {
				return nil, err
			}
			return &bookingOut{Status: http.StatusCreated, Body: b}, nil
		})
}
