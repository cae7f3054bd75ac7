package server_test

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/booking"
	"jiedai/internal/task"
)

// The policy rows of the booking steps from issue 10: room usage rules,
// run-sheet duties given to named people, seating plans and the venues'
// periodic inspection plans.
func bookingStepsPolicy() []rule {
	seaters := roles(access.Office, access.Supervisor, access.Receptionist).plus(clientA)
	return []rule{
		{route: "GET /api/v1/room-rules", allow: signedIn()},
		{route: "PUT /api/v1/room-rules", allow: roles(access.Office), make: plain(`{"zh-Hans":"禁止吸烟\n请提前15分钟到场","zh-Hant":"","en":"No smoking"}`)},
		{route: "GET /api/v1/bookings/{id}/duties", allow: signedIn().but(clientB), make: onBooking(booking.StatusConfirmed, false, "", "")},
		// The duty's department (engineering here), supervisors and admins.
		{route: "POST /api/v1/bookings/{id}/duties/{task}/assign", allow: roles(access.Engineering, access.Supervisor), make: onDuty(`{"owner_id":0}`)},
		{route: "GET /api/v1/bookings/{id}/seats", allow: canSee(), make: onBooking(booking.StatusPending, false, "", "")},
		{route: "PUT /api/v1/bookings/{id}/seats", allow: seaters, make: onBooking(booking.StatusPending, false, "", `{"seats":[{"seat":"主1","name":"张伟"}]}`)},
		{route: "GET /api/v1/venues/{id}/inspection-plans", allow: staff(), make: onVenue("")},
		{route: "POST /api/v1/venues/{id}/inspection-plans", allow: roles(access.Office, access.Engineering), make: func(e *authzEnv, _ *subject, p string) call {
			first := e.app.Clock.Now().Add(72 * time.Hour).Format(time.RFC3339)
			return call{path: fillParams(p, map[string]string{"id": idStr(e.room.ID)}), body: fmt.Sprintf(`{"title":"设备检查","first":%q,"rule":"FREQ=MONTHLY;COUNT=3"}`, first)}
		}},
		{route: "POST /api/v1/inspection-plans/{id}/stop", allow: roles(access.Office, access.Engineering), make: onPlan("")},

		{route: "POST /venues/setup/rules", allow: roles(access.Office), make: plain("rules_zh_hans=%E7%A6%81%E6%AD%A2%E5%90%B8%E7%83%9F")},
		{route: "POST /bookings/{id}/duties/{task}", allow: roles(access.Engineering, access.Supervisor), make: onDuty("owner_id=")},
		{route: "POST /bookings/{id}/seats", allow: seaters, make: onBooking(booking.StatusPending, false, "", "seats=%E4%B8%BB1%2C+%E5%BC%A0%E4%BC%9F")},
		{route: "POST /venues/{id}/inspection-plans", allow: roles(access.Office, access.Engineering), make: func(e *authzEnv, _ *subject, p string) call {
			first := e.app.Clock.Now().Add(72 * time.Hour).In(e.app.Loc).Format("2006-01-02T15:04")
			return call{path: fillParams(p, map[string]string{"id": idStr(e.room.ID)}), body: "title=%E8%AE%BE%E5%A4%87%E6%A3%80%E6%9F%A5&freq=WEEKLY&first=" + first}
		}},
		{route: "POST /inspection-plans/{id}/stop", allow: roles(access.Office, access.Engineering), make: onPlan("")},
	}
}

// onDuty: {id} is a confirmed booking of orgA, {task} its engineering duty.
func onDuty(body string) func(*authzEnv, *subject, string) call {
	return func(e *authzEnv, _ *subject, p string) call {
		id := e.once("booking-"+booking.StatusConfirmed, func() int64 { return e.newBooking(booking.StatusConfirmed).ID })
		list, err := task.List(context.Background(), e.app.DB, task.Filter{Entity: booking.AuditEntity, EntityID: id, Kind: booking.TaskKind})
		if err != nil {
			e.t.Fatal(err)
		}
		for _, t := range list {
			if t.Role == access.Engineering {
				return call{path: fillParams(p, map[string]string{"id": idStr(id), "task": idStr(t.ID)}), body: body}
			}
		}
		e.t.Fatalf("booking %d has no engineering duty", id)
		return call{}
	}
}

// onPlan: {id} is a new inspection plan of the fixture venue.
func onPlan(body string) func(*authzEnv, *subject, string) call {
	return func(e *authzEnv, _ *subject, p string) call {
		pl, err := e.app.Venues.AddInspectionPlan(context.Background(), e.by[access.Office].actor, e.room.ID, "设备检查", "FREQ=MONTHLY;COUNT=3", e.app.Clock.Now().Add(72*time.Hour))
		if err != nil {
			e.t.Fatal(err)
		}
		return call{path: fillParams(p, map[string]string{"id": idStr(pl.ID)}), body: body}
	}
}
