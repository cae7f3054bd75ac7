package store

import (
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	sqlite "modernc.org/sqlite"
)

// Errors every caller can test for with errors.Is, whatever the database.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
	ErrBusy     = errors.New("database busy")
)

// MapError translates driver errors into ErrNotFound, ErrConflict or ErrBusy,
// keeping the driver error in the chain.
func MapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return errors.Join(ErrNotFound, err)
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505", "23P01": // unique_violation, exclusion_violation
			return errors.Join(ErrConflict, err)
		case "40001", "40P01": // serialization_failure, deadlock_detected
			return errors.Join(ErrBusy, err)
		}
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case 19: // SQLITE_CONSTRAINT (unique, primary key, check, trigger)
			if strings.Contains(se.Error(), "UNIQUE") || strings.Contains(se.Error(), "PRIMARY KEY") || strings.Contains(se.Error(), "overlap") {
				return errors.Join(ErrConflict, err)
			}
		case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED
			return errors.Join(ErrBusy, err)
		}
	}
	return err
}

// StorableText reports whether s can be stored as text in every supported
// database: PostgreSQL refuses NUL characters and bytes that are not UTF-8.
// Inputs are checked with it at the edges (API and web forms).
func StorableText(s string) bool { return strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) }

// IsBadData reports whether the database refused a value itself: text it
// cannot store, a number out of its column's range, a value too large.
// Such an error comes from the input, not from a fault of the server.
func IsBadData(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "22021", "22P05", "22003", "22001", "54000":
			return true
		}
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()&0xff == 18 // SQLITE_TOOBIG
	}
	return false
}

func retryable(err error) bool {
	return errors.Is(MapError(err), ErrBusy)
}
