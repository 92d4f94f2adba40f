package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"medibooth/booth"
)

// runSyncConfirm records HQ's confirmation of a bundle by its receipt code.
func (m *Main) runSyncConfirm(ctx context.Context, args []string) error {
	fs := m.flags("sync confirm")
	c := m.common(fs)
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.ConfirmBundle(ctx, pos[0]); err != nil {
		return err
	}
	return m.print(c, map[string]any{"confirmed": pos[0]}, "HQ's receipt recorded: this bundle is at HQ.\n")
}

// runSyncRetention shows or sets the retention days.
func (m *Main) runSyncRetention(ctx context.Context, args []string) error {
	fs := m.flags("sync retention")
	c := m.common(fs)
	pos, err := parse(fs, args, 0, 1)
	if err != nil {
		return err
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	if len(pos) == 1 {
		days, err := strconv.Atoi(pos[0])
		if err != nil {
			return usagef("DAYS is a number of days, 0 to %d.", booth.MaxRetentionDays)
		}
		if err := db.SetRetentionDays(ctx, days); err != nil {
			return err
		}
	}
	days, err := db.RetentionDays(ctx)
	if err != nil {
		return err
	}
	return m.print(c, map[string]any{"retention_days": days},
		fmt.Sprintf("Personal data stays %d day(s) on this laptop after HQ confirmed it has it.\n", days))
}

// runSyncPurge purges the personal data HQ confirmed; without --yes it only
// says what it would purge.
func (m *Main) runSyncPurge(ctx context.Context, args []string) error {
	fs := m.flags("sync purge")
	c := m.common(fs)
	yes := fs.Bool("yes", false, "purge (without it, only say what would be purged)")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	db, err := m.open(c)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.PurgeStatus(ctx)
	if err != nil {
		return err
	}
	out := map[string]any{"status": st, "purged": 0}
	var b strings.Builder
	if *yes {
		n, err := db.PurgePersonalData(ctx)
		if err != nil {
			return err
		}
		out["purged"] = n
		fmt.Fprintf(&b, "Purged the personal data of %d visitor(s); the booth's counts stay.\n", n)
		if st, err = db.PurgeStatus(ctx); err != nil {
			return err
		}
		out["status"] = st
	} else {
		fmt.Fprintf(&b, "%d visitor(s) can be purged now (add --yes).\n", st.Ready)
	}
	if st.Waiting > 0 && st.ReadyFrom != nil {
		fmt.Fprintf(&b, "%d more once the %d retention day(s) pass, from %s.\n", st.Waiting, st.RetentionDays, st.ReadyFrom.Local().Format(time.DateOnly))
	}
	if st.NotAtHQ > 0 {
		fmt.Fprintf(&b, "%d visitor(s) changed since the last bundle HQ confirmed: export and send again first.\n", st.NotAtHQ)
	}
	return m.print(c, out, b.String())
}
