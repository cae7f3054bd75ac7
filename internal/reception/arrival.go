package reception

import (
	"context"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/store"
)

// tellArrival tells the host (the applicant) and the liaison, at once, that
// a guest has signed in: in the inbox and, through the notifier, by e-mail
// and a personal work message (WeCom, DingTalk or Feishu) as each chose.
// The one who signed the guest in is not told what they just did.
func (s *Service) tellArrival(ctx context.Context, q store.Querier, now time.Time, a access.Actor, r Reception, g Guest) error {
	var to []int64
	for _, id := range []int64{r.ApplicantID, r.LiaisonID} {
		if id != 0 && id != a.UserID {
			to = append(to, id)
		}
	}
	args := caseArgs(r)
	args["guest"] = g.Name
	args["time"] = now.In(s.Loc).Format("15:04")
	args["company"] = g.Company
	return s.notify(ctx, q, now, to, "rux.msg.guest_arrived", args, Link(r.ID)+"/desk")
}
