package notify

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"jiedai/internal/i18n"
	"jiedai/internal/notify/channel"
	"jiedai/internal/settings"
	"jiedai/internal/store"
)

// EmailTo queues an e-mail to someone without an account (a client's
// contact, an outside guest of a meeting), inside the caller's transaction:
// the message key rendered in zh-Hans and then in English, since the site
// does not know the reader's language, with files attached (a calendar
// invitation); link is a path inside Jiedai, made absolute from the public
// URL. It reports whether a delivery was queued: not when SMTP is off or
// the address is not one.
func (s *Service) EmailTo(ctx context.Context, q store.Querier, now time.Time, to, key string, args map[string]any, link string, files []channel.File) (bool, error) {
	if !s.I18n.Has(i18n.ZhHans, key) {
		return false, fmt.Errorf("notify: message key %q is not in the catalogue", key)
	}
	addr, err := mail.ParseAddress(strings.TrimSpace(to))
	if err != nil {
		return false, nil
	}
	smtp, err := s.loadSMTP(ctx, q)
	if err != nil || !smtp.Enabled {
		return false, err
	}
	base, err := settings.PublicURL(ctx, q, s.BaseURL)
	if err != nil {
		return false, fmt.Errorf("notify: %w", err)
	}
	zh, en := s.message(i18n.ZhHans, key, args, base, link), s.message(i18n.En, key, args, base, link)
	m := zh
	if en.Title != zh.Title {
		m.Title = zh.Title + " / " + en.Title
	}
	if en.Body != zh.Body {
		m.Body = zh.Body + "\n\n" + en.Body
	}
	m.Files = files
	return true, s.queue(ctx, q, store.Ms(now), ChannelEmail, addr.Address, 0, 0, m)
}
