package store_test

import (
	"context"
	"testing"

	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// TestBillingMigrationMovesPaidIntoTheLedger checks BIL-15: settlements
// made before the ledger become one charge per booking, the paid amount a
// payment allocated to it, and the settlement loses its paid columns.
func TestBillingMigrationMovesPaidIntoTheLedger(t *testing.T) {
	for _, kind := range storetest.TestDSNs() {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			db, err := store.OpenNoMigrate(ctx, storetest.TestDSN(t, kind))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := store.MigrateBefore(db, ctx, "1010"); err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{
				`INSERT INTO users (username, password_hash, created_at, updated_at) VALUES ('fin', 'x', 1, 1)`,
				`INSERT INTO venues (code, name, capacity, feed_token, door_token, created_at, updated_at) VALUES ('A', '厅', 10, 'f', 'd', 1, 1)`,
				`INSERT INTO client_orgs (name, name_key, created_at, updated_at) VALUES ('华信公司', 'hx', 1, 1)`,
				// 1: org, paid in part; 2: org, overpaid; 3: walk-in, unpaid; 4: walk-in, free.
				`INSERT INTO bookings (venue_id, title, start_ms, end_ms, block_start, block_end, status, org_id, client_name, created_at, updated_at) VALUES (1, '年会', 1, 2, 1, 2, 'completed', 1, '', 1, 1)`,
				`INSERT INTO bookings (venue_id, title, start_ms, end_ms, block_start, block_end, status, org_id, client_name, created_at, updated_at) VALUES (1, '培训', 3, 4, 3, 4, 'completed', 1, '', 1, 1)`,
				`INSERT INTO bookings (venue_id, title, start_ms, end_ms, block_start, block_end, status, client_name, contact_phone, created_at, updated_at) VALUES (1, '发布会', 5, 6, 5, 6, 'completed', '王先生', '13800000000', 1, 1)`,
				`INSERT INTO bookings (venue_id, title, start_ms, end_ms, block_start, block_end, status, client_name, created_at, updated_at) VALUES (1, '内部会', 7, 8, 7, 8, 'completed', '', 1, 1)`,
				`INSERT INTO booking_settlements (booking_id, total_fen, paid_fen, pay_method, paid_at, settled_by, settled_at) VALUES (1, 100000, 40000, 'transfer', 1772600000000, 1, 1772555400000)`, // 2026-03-04 00:30 in Shanghai
				`INSERT INTO booking_settlements (booking_id, total_fen, paid_fen, pay_method, settled_by, settled_at) VALUES (2, 50000, 60000, 'cash', 1, 1772555400000)`,                              // 2026-03-04 00:30 in Shanghai
				`INSERT INTO booking_settlements (booking_id, total_fen, paid_fen, settled_at) VALUES (3, 30000, 0, 1772555400000)`,                                                                     // 2026-03-04 00:30 in Shanghai
				`INSERT INTO booking_settlements (booking_id, total_fen, paid_fen, settled_at) VALUES (4, 0, 0, 1772555400000)`,                                                                         // 2026-03-04 00:30 in Shanghai
			} {
				if _, err := db.Exec(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			var accounts, walkins int
			if err := db.QueryRow(ctx, `SELECT COUNT(*), SUM(CASE WHEN kind = 'walkin' THEN 1 ELSE 0 END) FROM billing_accounts`).Scan(&accounts, &walkins); err != nil {
				t.Fatal(err)
			}
			if accounts != 3 || walkins != 2 {
				t.Fatalf("accounts = %d (walk-in %d), want 3 (2)", accounts, walkins)
			}
			type row struct {
				status, due   string
				amount, paid  int64
				account, name string
			}
			want := map[int64]row{
				1: {"partly_paid", "2026-03-04", 100000, 40000, "org", "华信公司"},
				2: {"paid", "2026-03-04", 50000, 50000, "org", "华信公司"},
				3: {"open", "2026-03-04", 30000, 0, "walkin", "王先生"},
				4: {"paid", "2026-03-04", 0, 0, "walkin", "内部会"},
			}
			for id, w := range want {
				var g row
				err := db.QueryRow(ctx, `SELECT c.status, c.due_on, c.amount_fen, COALESCE((SELECT SUM(l.amount_fen) FROM billing_allocations l WHERE l.charge_id = c.id), 0), a.kind, a.name
 FROM billing_charges c JOIN billing_accounts a ON a.id = c.account_id WHERE c.source = 'booking' AND c.source_id = ?`, id).Scan(&g.status, &g.due, &g.amount, &g.paid, &g.account, &g.name)
				if err != nil {
					t.Fatalf("booking %d: %v", id, err)
				}
				if g != w {
					t.Errorf("booking %d: charge %+v, want %+v", id, g, w)
				}
			}
			var payments, total int64
			if err := db.QueryRow(ctx, `SELECT COUNT(*), SUM(amount_fen) FROM billing_payments`).Scan(&payments, &total); err != nil {
				t.Fatal(err)
			}
			if payments != 2 || total != 100000 {
				t.Fatalf("payments = %d totalling %d, want 2 totalling 100000 (10000 of it account credit)", payments, total)
			}
			var method string
			var at int64
			if _, err := db.Exec(ctx, `SELECT paid_fen FROM booking_settlements`); err == nil {
				t.Fatal("booking_settlements.paid_fen still exists: two sources of truth for paid")
			}
			if err := db.QueryRow(ctx, `SELECT method, received_at FROM billing_payments WHERE source_id = 1`).Scan(&method, &at); err != nil || method != "transfer" || at != 1772600000000 {
				t.Fatalf("payment of booking 1 = %s at %d (%v)", method, at, err)
			}
		})
	}
}
