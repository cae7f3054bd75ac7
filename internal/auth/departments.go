package auth

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/namecheck"
	"jiedai/internal/store"
)

// Department is an organisational unit with a manager (who approves its
// members' requests).
type Department struct {
	ID        int64  `json:"id"`
	Code      string `json:"code"`
	Name      string `json:"name"`
	NameEn    string `json:"name_en"`
	ManagerID int64  `json:"manager_id,omitempty"`
}

// DepartmentInput creates or edits a department.
type DepartmentInput struct {
	Code      string
	Name      string
	NameEn    string
	ManagerID int64
}

var codeRE = regexp.MustCompile(`^[a-z0-9_-]{1,32}$`)

// Departments lists all departments.
func (s *Service) Departments(ctx context.Context) ([]Department, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, code, name, name_en, COALESCE(manager_id, 0) FROM departments ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("list departments: %w", err)
	}
	defer rows.Close()
	var out []Department
	for rows.Next() {
		var d Department
		if err := rows.Scan(&d.ID, &d.Code, &d.Name, &d.NameEn, &d.ManagerID); err != nil {
			return nil, fmt.Errorf("scan department: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Department returns one department.
func (s *Service) Department(ctx context.Context, id int64) (Department, error) {
	var d Department
	err := s.DB.QueryRow(ctx, `SELECT id, code, name, name_en, COALESCE(manager_id, 0) FROM departments WHERE id = ?`, id).Scan(&d.ID, &d.Code, &d.Name, &d.NameEn, &d.ManagerID)
	return d, errs.Wrap(store.MapError(err), "get department")
}

// DepartmentByCode returns one department by its code.
func (s *Service) DepartmentByCode(ctx context.Context, code string) (Department, error) {
	var d Department
	err := s.DB.QueryRow(ctx, `SELECT id, code, name, name_en, COALESCE(manager_id, 0) FROM departments WHERE code = ?`, code).Scan(&d.ID, &d.Code, &d.Name, &d.NameEn, &d.ManagerID)
	return d, errs.Wrap(store.MapError(err), "get department")
}

func (in *DepartmentInput) validate() error {
	var l errs.List
	in.Code = strings.TrimSpace(in.Code)
	in.Name = namecheck.Field(&l, "name", in.Name)
	if !codeRE.MatchString(in.Code) {
		l.Add("code", "err.code_format")
	}
	if in.Name == "" {
		l.Add("name", "err.required")
	}
	return l.Err()
}

// SaveDepartment creates (id 0) or updates a department; admins only.
func (s *Service) SaveDepartment(ctx context.Context, a access.Actor, id int64, in DepartmentInput) (int64, error) {
	if !a.Has(access.Admin) {
		return 0, errs.Forbid()
	}
	if err := in.validate(); err != nil {
		return 0, err
	}
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if in.ManagerID != 0 {
			if err := exists(ctx, tx, "users", in.ManagerID, "manager_id"); err != nil {
				return err
			}
		}
		var err error
		action := "update"
		if id == 0 {
			action = "create"
			id, err = store.InsertID(ctx, tx, `INSERT INTO departments (code, name, name_en, manager_id, created_at) VALUES (?, ?, ?, ?, ?)`,
				in.Code, in.Name, in.NameEn, store.IDOrNil(in.ManagerID), store.Ms(now))
		} else {
			var res interface{ RowsAffected() (int64, error) }
			res, err = tx.Exec(ctx, `UPDATE departments SET code = ?, name = ?, name_en = ?, manager_id = ? WHERE id = ?`,
				in.Code, in.Name, in.NameEn, store.IDOrNil(in.ManagerID), id)
			if err == nil {
				if n, _ := res.RowsAffected(); n == 0 {
					return errs.Missing()
				}
			}
			err = store.MapError(err)
		}
		if errors.Is(err, store.ErrConflict) {
			return errs.Field("code", "err.code_taken")
		}
		if err != nil {
			return fmt.Errorf("save department: %w", err)
		}
		return audit.Record(ctx, tx, now, a, "department", id, action, nil, in)
	})
	return id, err
}

// ManagerOf returns the manager of the user's department (0 if none).
func (s *Service) ManagerOf(ctx context.Context, userID int64) (int64, error) {
	var m int64
	err := s.DB.QueryRow(ctx, `SELECT COALESCE(d.manager_id, 0) FROM users u JOIN departments d ON d.id = u.department_id WHERE u.id = ?`, userID).Scan(&m)
	if store.IsNoRows(store.MapError(err)) {
		return 0, nil
	}
	return m, err
}
