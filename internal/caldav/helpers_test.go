package caldav_test

import (
	"fmt"
	"strconv"
)

func itoa(n int64) string                  { return strconv.FormatInt(n, 10) }
func sprintf(f string, args ...any) string { return fmt.Sprintf(f, args...) }
