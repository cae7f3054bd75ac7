package app

import (
	"jiedai/internal/billing"
)

// wireBilling builds the ledger: booking statements describe their
// charges (discounts and reasons) on account statements.
func (a *App) wireBilling() {
	a.Billing = billing.New(a.DB, a.Clock, a.Loc)
	a.Billing.Describe(billing.SourceBooking, a.Bookings.ChargeDetails)
}
