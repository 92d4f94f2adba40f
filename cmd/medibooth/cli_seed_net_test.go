package main

import (
	"context"
	"path/filepath"
	"testing"

	"medibooth/booth"
	"medibooth/data"
)

// The seed fair once more, on the booth network: the three laptops run
// "booth serve" on loopback while they work, in the order of the fair's
// clock, and every consultation is recorded at the third laptop, the
// doctors' table, as soon as the patient's consent reached it from the desk
// that registered them. HQ then merges the three bundles, each of which
// holds what the network brought it, and reports exactly what it reports
// for the same fair worked without a network (TestCLISeedEvent): the same
// figures, in JSON and per hospital.
func TestCLISeedFairOnTheBoothNetwork(t *testing.T) {
	if raceBuild {
		t.Skip("runs in make test-norace: the race detector makes its thousand exchanges take minutes")
	}
	p := newSeedPlan()
	want := p.want()
	hq, pkg := seedSetUp(t, p)
	laptops := make([]*cli, len(seedLaptops))
	var addrs []string
	var logs []*lockedBuffer
	dbs := make([]*data.DB, len(seedLaptops))
	for i, name := range seedLaptops {
		laptops[i] = syncLaptop(t, pkg, name)
		var extra []string
		for _, a := range addrs {
			extra = append(extra, "--peer", a)
		}
		addr, log, _ := peerServe(t, laptops[i], extra...)
		addrs, logs = append(addrs, addr), append(logs, log)
		dbs[i] = peerDB(t, laptops[i])
	}
	doctors, doctorsDB := laptops[len(laptops)-1], dbs[len(dbs)-1]

	seedRegister(t, laptops, p)
	seedScanAll(t, laptops, p, true)
	ctx := context.Background()
	seedConsultAll(t, p, func(*seedConsult) *cli { return doctors }, func(c *seedConsult) {
		peerWait(t, "the doctors' laptop holds "+c.v.name+"'s consent", logs, func() bool {
			cs, err := doctorsDB.Consents(ctx, c.v.id)
			if err != nil {
				return false
			}
			for _, x := range cs {
				if x.Purpose == booth.PurposeHealth && x.Granted {
					return true
				}
			}
			return false
		})
	})
	seedMeetAll(t, laptops, p)
	peerWait(t, "the three laptops agree", logs, func() bool {
		h := peerHash(t, dbs[0])
		return peerHash(t, dbs[1]) == h && peerHash(t, dbs[2]) == h
	})

	var files []string
	for i, l := range laptops {
		files = append(files, syncExportFile(t, l, seedLaptops[i]+".bundle"))
	}
	if code, res, errs := syncImportFiles(t, hq, files...); code != 0 || res.Imported != len(files) {
		t.Fatalf("sync import: exit %d %+v %s", code, res, errs)
	}
	seedCheckJSON(t, hq, filepath.Join(t.TempDir(), "report.json"), want)
	seedCheckHospitals(t, hq, p)
}
