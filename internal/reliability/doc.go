// Package reliability holds black-box tests that run the real jiedai binary
// as subprocesses: crash recovery under SIGKILL, two instances on one
// PostgreSQL database, and backup and restore while the server writes.
// The package has no code of its own; see the _test.go files.
package reliability
