package booking

import (
	"context"
	"fmt"
	"strings"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/store"
)

// Mailer e-mails someone without an account (a client's contact) inside
// the caller's transaction; it reports whether a message was queued (not
// when e-mail is off or the address is not one).
type Mailer func(ctx context.Context, q store.Querier, now time.Time, to, key string, args map[string]any, link string) (bool, error)

// mailLetter e-mails the confirmation letter to the client's contact
// (seed 001 二: 向客户发送预订确认函): its essentials and, while the reply
// is awaited, the link to the letter (with the room usage rules) and its
// confirm button. Bookings without a contact address get none; the
// sending is audited.
func (s *Service) mailLetter(ctx context.Context, tx *store.Tx, id int64, now time.Time) error {
	if s.Mail == nil {
		return nil
	}
	b, err := s.load(ctx, tx, id)
	if err != nil {
		return err
	}
	if b.Purpose != PurposeClient || strings.TrimSpace(b.ContactEmail) == "" {
		return nil
	}
	l, err := s.letter(ctx, tx, b)
	if err != nil {
		return err
	}
	args := map[string]any{"number": l.Number, "name": firstNonEmpty(l.ContactName, l.Client), "title": l.Title, "venue": l.VenueName,
		"start": s.fmt(l.Start), "end": l.End.In(s.Loc).Format("15:04"), "headcount": l.Headcount,
		"total": fmt.Sprintf("¥%d.%02d", l.Total/100, l.Total%100)}
	key := "booking.msg.letter_confirmed"
	if l.ConfirmPath != "" {
		key = "booking.msg.letter"
		args["reply_by"] = s.fmt(l.ReplyBy)
	}
	sent, err := s.Mail(ctx, tx, now, b.ContactEmail, key, args, l.ConfirmPath)
	if err != nil || !sent {
		return err
	}
	return audit.Record(ctx, tx, now, access.SystemActor(), AuditEntity, b.ID, "letter_mailed", nil, map[string]any{"number": l.Number})
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}
