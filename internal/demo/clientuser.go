package demo

import (
	"context"
	"fmt"

	"jiedai/internal/access"
	"jiedai/internal/auth"
)

// loadClientUser adds the client-role demo account, belonging to the first
// demo client organisation, so the portal view can be tried.
func loadClientUser(ctx context.Context, d *loader) error {
	var org int64
	if err := d.app.DB.QueryRow(ctx, `SELECT id FROM client_orgs WHERE merged_into IS NULL ORDER BY id LIMIT 1`).Scan(&org); err != nil {
		return fmt.Errorf("first client organisation: %w", err)
	}
	u, err := d.app.Auth.Create(ctx, d.sys, auth.UserInput{Username: "client", DisplayName: "赵磊（客户）", Password: Password,
		Roles: []string{access.Client}, OrgID: org, Email: "client@demo.jiedai.local"})
	if err != nil {
		return fmt.Errorf("client user: %w", err)
	}
	d.users["client"] = u.ID
	return nil
}
