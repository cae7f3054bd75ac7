package api

import (
	"context"
	"net/http"

	"jiedai/internal/access"
	"jiedai/internal/booking"
	"jiedai/internal/task"
	"jiedai/internal/venue"
)

type roomRulesIn struct{ Body booking.RoomRules }

type roomRulesOut struct{ Body booking.RoomRules }

type runDutiesOut struct {
	Body struct {
		Duties []booking.RunSheetDuty `json:"duties"`
	}
}

type runDutyAssignIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Task int64 `path:"task" minimum:"1"`
	Body struct {
		OwnerID     int64 `json:"owner_id" minimum:"0" doc:"The person of the duty's department it is given to; 0 = back to the department's queue"`
		AssistantID int64 `json:"assistant_id,omitempty" minimum:"0"`
	}
}

type runDutyOut struct{ Body task.Task }

type seatsBody struct {
	Seats []booking.Seat `json:"seats" maxItems:"500"`
}

type seatsIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body seatsBody
}

type seatsOut struct{ Body seatsBody }

type inspectionPlansOut struct {
	Body struct {
		Plans []venue.InspectionPlan `json:"plans"`
	}
}

type inspectionPlanIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Title string `json:"title" minLength:"1" maxLength:"80"`
		First string `json:"first" maxLength:"40" doc:"The first inspection, RFC 3339 or local YYYY-MM-DDTHH:MM"`
		Rule  string `json:"rule" minLength:"1" maxLength:"200" doc:"Recurrence rule, e.g. FREQ=MONTHLY;BYDAY=1MO;UNTIL=20271231 (at most a year)"`
	}
}

type inspectionPlanOut struct {
	Status int
	Body   venue.InspectionPlan
}

// routesBookingSteps are the steps of venue booking added from issue 10:
// the room usage rules, run-sheet duties given to named people, the
// seating plan.
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
	handle(s, op(http.MethodGet, "/bookings/{id}/duties", "booking-duties", "The run-sheet duties of a booking with the people they are given to", "bookings", false),
		func(ctx context.Context, a access.Actor, in *idPath) (*runDutiesOut, error) {
			list, err := b.Duties(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			out := &runDutiesOut{}
			out.Body.Duties = list
			return out, nil
		})
	handle(s, op(http.MethodPost, "/bookings/{id}/duties/{task}/assign", "assign-booking-duty", "Give a run-sheet duty to a named person of its department (确定接待人员名单)", "bookings", false),
		func(ctx context.Context, a access.Actor, in *runDutyAssignIn) (*runDutyOut, error) {
			t, err := b.AssignDuty(ctx, a, in.ID, in.Task, in.Body.OwnerID, in.Body.AssistantID)
			if err != nil {
				return nil, err
			}
			return &runDutyOut{Body: t}, nil
		})
	handle(s, op(http.MethodGet, "/bookings/{id}/seats", "booking-seats", "The seating plan (座位图) of a booking", "bookings", false),
		func(ctx context.Context, a access.Actor, in *idPath) (*seatsOut, error) {
			list, err := b.Seats(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			return &seatsOut{Body: seatsBody{Seats: list}}, nil
		})
	handle(s, op(http.MethodPut, "/bookings/{id}/seats", "set-booking-seats", "Replace the seating plan of a booking not yet over", "bookings", false),
		func(ctx context.Context, a access.Actor, in *seatsIn) (*seatsOut, error) {
			if in.Body.Seats == nil {
				in.Body.Seats = []booking.Seat{}
			}
			list, err := b.SetSeats(ctx, a, in.ID, in.Body.Seats)
			if err != nil {
				return nil, err
			}
			return &seatsOut{Body: seatsBody{Seats: list}}, nil
		})
	handle(s, op(http.MethodGet, "/venues/{id}/inspection-plans", "list-inspection-plans", "A venue's periodic inspection plans (定期检查)", "venues", false),
		func(ctx context.Context, a access.Actor, in *idPath) (*inspectionPlansOut, error) {
			list, err := s.app.Venues.InspectionPlans(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			out := &inspectionPlansOut{}
			out.Body.Plans = list
			return out, nil
		})
	handle(s, op(http.MethodPost, "/venues/{id}/inspection-plans", "create-inspection-plan", "Add a periodic inspection (office, engineering); each one becomes an engineering task a day ahead", "venues", false),
		func(ctx context.Context, a access.Actor, in *inspectionPlanIn) (*inspectionPlanOut, error) {
			first, err := s.parseWhen("first", in.Body.First, true)
			if err != nil {
				return nil, err
			}
			p, err := s.app.Venues.AddInspectionPlan(ctx, a, in.ID, in.Body.Title, in.Body.Rule, first)
			if err != nil {
				return nil, err
			}
			return &inspectionPlanOut{Status: http.StatusCreated, Body: p}, nil
		})
	handle(s, op(http.MethodPost, "/inspection-plans/{id}/stop", "stop-inspection-plan", "Stop a periodic inspection (office, engineering)", "venues", false),
		func(ctx context.Context, a access.Actor, in *idPath) (*inspectionPlanOut, error) {
			p, err := s.app.Venues.StopInspectionPlan(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			return &inspectionPlanOut{Status: http.StatusOK, Body: p}, nil
		})
}
