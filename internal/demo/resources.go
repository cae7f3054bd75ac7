package demo

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/booking"
	"jiedai/internal/venue"
)

// loadResources adds the bookable resources that are not meeting rooms
// two temporary offices with their own rate card, and the freight
// lift, which only staff book (for a tenant's move), with one move booked.
func loadResources(ctx context.Context, d *loader) error {
	office, err := d.actor(ctx, "office")
	if err != nil {
		return err
	}
	y := func(v int64) int64 { return v * 100 }
	var lift int64
	for i, in := range []venue.Input{
		{Code: "TO1", Name: "临时办公室 1206", NameEn: "Temporary office 1206", Kind: venue.KindOffice, Location: "商务中心十二层", Floor: "12F", Capacity: 4,
			Equipment: []string{"whiteboard"}, OpenFrom: 8 * 60, OpenTo: 22 * 60, OpenDays: 127, InService: true, ClientBookable: true,
			Description: "独立带锁办公室，含两张工作台、网络和电话。", Rates: venue.Rates{Client: venue.Rate{Hour: y(80), HalfDay: y(260), FullDay: y(450)}, Key: venue.Rate{Hour: y(64), HalfDay: y(208), FullDay: y(360)}}},
		{Code: "TO2", Name: "临时办公室 1208", NameEn: "Temporary office 1208", Kind: venue.KindOffice, Location: "商务中心十二层", Floor: "12F", Capacity: 2,
			OpenFrom: 8 * 60, OpenTo: 22 * 60, OpenDays: 127, InService: true, ClientBookable: true,
			Description: "单人间，适合短期驻场。", Rates: venue.Rates{Client: venue.Rate{Hour: y(50), HalfDay: y(160), FullDay: y(280)}, Key: venue.Rate{Hour: y(40), HalfDay: y(128), FullDay: y(224)}}},
		{Code: "LIFT", Name: "B 座货梯", NameEn: "Tower B service lift", Kind: venue.KindServiceLift, Location: "B 座北侧", Floor: "B1–30F", Capacity: 6,
			BufferAfter: 15, OpenFrom: 7 * 60, OpenTo: 22 * 60, OpenDays: 127, InService: true, ClientBookable: false,
			Description: "入驻、退租搬运须提前预订；每次预订含 15 分钟清理。"},
	} {
		in.Sort = 200 + i*10
		v, err := d.app.Venues.Create(ctx, office, in)
		if err != nil {
			return fmt.Errorf("venue %s: %w", in.Name, err)
		}
		if in.Kind == venue.KindServiceLift {
			lift = v.ID
		}
	}
	// A move tomorrow evening, after office hours.
	day := d.now.In(d.app.Loc).AddDate(0, 0, 1)
	start := time.Date(day.Year(), day.Month(), day.Day(), 19, 0, 0, 0, d.app.Loc)
	if _, err := d.app.Bookings.Create(ctx, office, booking.Request{VenueID: lift, Start: start, End: start.Add(2 * time.Hour),
		Title: "星海精密入驻搬运（1206 → 家具进场）", Headcount: 4}); err != nil {
		return fmt.Errorf("lift booking: %w", err)
	}
	return nil
}
