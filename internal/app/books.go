package app

import (
	"context"

	"jiedai/internal/billing"
)

// wireBooks builds the finance desk's books (fapiao, credits, receivables,
// reports, audit periods) and registers their files and jobs.
func (a *App) wireBooks(ctx context.Context) error {
	a.Books = &billing.Books{DB: a.DB, Clock: a.Clock, Loc: a.Loc, Notify: a.Notify.Notify, ManagerOf: a.Auth.ManagerOf}
	a.Files.Guard(billing.AuditFapiao, a.Books.CanReadFapiao)
	return a.Books.RegisterJobs(ctx, a.Jobs)
}
