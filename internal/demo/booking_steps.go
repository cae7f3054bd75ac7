package demo

import (
	"context"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/booking"
	"jiedai/internal/store"
	"jiedai/internal/venue"
)

// loadBookingSteps adds the booking steps of issue 10 to the demo: the
// room usage rules, the seating plan and a named engineer on the run sheet
// of the coming summit, and monthly inspections of the two large halls.
func (d *loader) loadBookingSteps(ctx context.Context, bs *booking.Service, vs *venue.Service, actors map[string]access.Actor, vid map[string]int64, at func(int, string) time.Time) error {
	if _, err := bs.SetRoomRules(ctx, actors["office"], booking.RoomRules{
		ZhHans: "会场内禁止吸烟，请勿携带易燃易爆物品\n请于会议开始前15分钟到场，按时结束并离场\n会场内请勿张贴、钉挂物品，横幅由服务部统一布置\n爱护设施设备，如有损坏照价赔偿\n离场前请带好随身物品，贵重物品请自行保管",
		ZhHant: "會場內禁止吸煙，請勿攜帶易燃易爆物品\n請於會議開始前15分鐘到場，按時結束並離場\n會場內請勿張貼、釘掛物品，橫幅由服務部統一佈置\n愛護設施設備，如有損壞照價賠償\n離場前請帶好隨身物品，貴重物品請自行保管",
		En:     "No smoking in the venue; no flammable or explosive items\nPlease arrive 15 minutes before the start and leave on time\nDo not post or nail anything; banners are put up by the service department\nTake care of the equipment; damage is charged at cost\nTake your belongings when you leave; look after your valuables",
	}); err != nil {
		return fmt.Errorf("demo room rules: %w", err)
	}
	var summit int64
	if err := d.app.DB.QueryRow(ctx, `SELECT id FROM bookings WHERE title = ? AND status = ?`, "行业峰会：数字化供应链论坛", booking.StatusConfirmed).Scan(&summit); err != nil {
		return fmt.Errorf("demo summit booking: %w", store.MapError(err))
	}
	seats, err := booking.ParseSeats("seats", "主1, 冯秘书长, 上海物流与采购协会\n主2, 孙建国, 中联建设集团\n主3, 张伟, 华信科技总经理\n主4, 刘洋, 恒通物流副总裁\nA1, 吴昊, 启航新能源\nA2, 钱多多, 鼎盛贸易")
	if err != nil {
		return err
	}
	if _, err := bs.SetSeats(ctx, actors["office"], summit, seats); err != nil {
		return fmt.Errorf("demo seats: %w", err)
	}
	duties, err := bs.Duties(ctx, actors["engineering"], summit)
	if err != nil {
		return err
	}
	for _, du := range duties {
		if du.Role == access.Engineering && du.Active() {
			if _, err := bs.AssignDuty(ctx, actors["engineering"], summit, du.ID, actors["engineering"].UserID, 0); err != nil {
				return fmt.Errorf("demo duty: %w", err)
			}
			break
		}
	}
	for _, p := range []struct{ code, title, rule string }{
		{"CJ", "音响、灯光、投影、同传设备全面检查", "FREQ=MONTHLY;BYDAY=1MO;COUNT=12"},
		{"HH", "空调、话筒、投影检查", "FREQ=WEEKLY;BYDAY=FR;COUNT=26"},
	} {
		if _, err := vs.AddInspectionPlan(ctx, actors["engineering"], vid[p.code], p.title, p.rule, at(3, "09:00")); err != nil {
			return fmt.Errorf("demo inspection plan: %w", err)
		}
	}
	return nil
}
