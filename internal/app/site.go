package app

import (
	"context"
	"sync"
	"time"

	"jiedai/internal/settings"
)

// siteCache keeps the site settings for a short while, so pages need not
// read them on every request; other instances see a change within siteTTL.
type siteCache struct {
	mu   sync.Mutex
	site settings.Site
	at   time.Time
}

const siteTTL = 30 * time.Second

// Site returns the site settings (name, logo, zone, currency), cached briefly.
func (a *App) Site(ctx context.Context) settings.Site {
	a.site.mu.Lock()
	defer a.site.mu.Unlock()
	now := time.Now()
	if !a.site.at.IsZero() && now.Sub(a.site.at) < siteTTL {
		return a.site.site
	}
	s, err := settings.GetSite(ctx, a.DB)
	if err != nil {
		a.Log.Warn("read site settings", "err", err)
		if a.site.at.IsZero() {
			return settings.DefaultSite()
		}
		return a.site.site
	}
	a.site.site, a.site.at = s, now
	return s
}

// ForgetSite drops the cached settings after a change.
func (a *App) ForgetSite() {
	a.site.mu.Lock()
	a.site.at = time.Time{}
	a.site.mu.Unlock()
}

// PublicURL is the address links in e-mail and robot messages start with:
// the --base-url flag, else the site settings' public URL; "" when unset.
func (a *App) PublicURL(ctx context.Context) string {
	u, err := settings.PublicURL(ctx, a.DB, a.Config.BaseURL)
	if err != nil {
		a.Log.Warn("read the public URL", "err", err)
	}
	return u
}

// WarnPublicURL logs a warning when no public URL is set, since links in
// e-mail and robot messages are then relative and open nowhere.
func (a *App) WarnPublicURL(ctx context.Context) {
	if a.PublicURL(ctx) == "" {
		a.Log.Warn("public URL unset: links in e-mail and robot messages are relative; set it on /admin/settings or with --base-url")
	}
}
