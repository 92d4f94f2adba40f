package main

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"medibooth/booth"
	"medibooth/data"
)

// The seed fair worked as a booth of two desks and a doctors' table, once
// on the booth network and once with none. The desks ("Desk 1", "Desk 2",
// and "Hall", which is also the doctors' table) register and check in as
// planned, in the order of the fair's clock; every consultation is recorded
// at the doctors' laptop straight after the doctor scans the patient's
// badge there, which brings the patient's consents when nothing else did.
// HQ merges the three bundles and reports the same figures both times: the
// seed fair's, with the doctors' scans as visitors already checked in.
func TestCLISeedFairOnTheBoothNetworkAndWithout(t *testing.T) {
	if raceBuild {
		t.Skip("runs in make test-norace: the race detector makes its thousand exchanges take minutes")
	}
	p := newSeedPlan()
	want := p.want()
	want.Scans += len(p.consults)
	want.ScansByDecision[string(booth.Duplicate)] += len(p.consults)
	for _, network := range []bool{true, false} {
		t.Run(map[bool]string{true: "network", false: "none"}[network], func(t *testing.T) {
			hq, pkg := seedSetUp(t, p)
			seedFairAtTheTable(t, hq, pkg, p, network)
			seedCheckJSON(t, hq, filepath.Join(t.TempDir(), "report.json"), want)
			seedCheckHospitals(t, hq, p)
		})
	}
}

// seedFairAtTheTable works the fair on laptops joined with pkg, on the
// booth network or not, and merges their bundles at hq.
func seedFairAtTheTable(t *testing.T, hq *cli, pkg string, p *seedPlan, network bool) {
	laptops := make([]*cli, len(seedLaptops))
	var addrs []string
	var logs []*lockedBuffer
	var dbs []*data.DB
	for i, name := range seedLaptops {
		laptops[i] = syncLaptop(t, pkg, name)
		if !network {
			continue
		}
		var extra []string
		for _, a := range addrs {
			extra = append(extra, "--peer", a)
		}
		addr, log, _ := peerServe(t, laptops[i], extra...)
		addrs, logs, dbs = append(addrs, addr), append(logs, log), append(dbs, peerDB(t, laptops[i]))
	}
	doctors := laptops[len(laptops)-1]

	seedRegister(t, laptops, p)
	seedScanAll(t, laptops, p, true)
	seedConsultAll(t, p, func(*seedConsult) *cli { return doctors }, func(c *seedConsult) {
		exit, r := doctors.checkin(c.v.code, "--at", c.at.Add(-time.Minute).Format(time.RFC3339))
		if exit != exitOK && exit != exitDuplicate || r.VisitorID != c.v.id {
			t.Fatalf("the doctor's scan of %s: exit %d %+v", c.v.name, exit, r)
		}
	})
	seedMeetAll(t, laptops, p)
	if network {
		peerWait(t, "the three laptops agree", logs, func() bool {
			h := peerHash(t, dbs[0])
			return peerHash(t, dbs[1]) == h && peerHash(t, dbs[2]) == h
		})
	}
	var files []string
	for i, l := range laptops {
		files = append(files, syncExportFile(t, l, fmt.Sprintf("laptop%d.bundle", i+1)))
	}
	if code, res, errs := syncImportFiles(t, hq, files...); code != 0 || res.Imported != len(files) {
		t.Fatalf("sync import: exit %d %+v %s", code, res, errs)
	}
}
