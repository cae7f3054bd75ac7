package server_test

import "jiedai/internal/booking"

// formsPolicy: the printed forms in copies. Registering a print is
// for the staff who may read the record; the record's own client users
// read the record's page instead (403), other organisations' get 404.
func formsPolicy() []rule {
	letter := onBooking(booking.StatusApproved, false, "", "")
	return []rule{
		{route: "GET /bookings/{id}/letter/print", allow: canSee().but(clientA), make: letter},
		{route: "POST /bookings/{id}/letter/print", allow: canSee().but(clientA), make: onBooking(booking.StatusApproved, false, "", "reason=%E8%A1%A5%E6%89%93")},
	}
}
