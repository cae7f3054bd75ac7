package server_test

// meetingStepsPolicy covers the meeting's feedback at the close (the
// room, guest e-mail and problem notes ride on rows that exist: the
// meeting's create and update, notice, and action-item progress).
func meetingStepsPolicy() []rule {
	give := only(mtAttendee).plus(mtRecorder) // attendees with an account and the recorder, not the host
	return []rule{
		{route: "GET /api/v1/meetings/{id}/feedback", allow: staff(), make: mt{state: mtEnded}.make},
		{route: "PUT /api/v1/meetings/{id}/feedback", allow: give, make: mt{state: mtEnded, fresh: true, body: `{"rating":4,"comment":"议程清楚"}`}.make},
		{route: "POST /meetings/{id}/{action}", variant: "feedback", allow: give, make: mt{state: mtEnded, fresh: true, step: "feedback", body: "rating=4"}.make},
	}
}
