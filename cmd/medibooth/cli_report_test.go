package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// report is the part of the JSON report TestCLIReport reads.
type report struct {
	VisitorsUnique            int            `json:"visitors_unique"`
	Scans                     int            `json:"scans"`
	CheckinsByDay             map[string]int `json:"checkins_by_day"`
	VisitorsByType            map[string]int `json:"visitors_by_type"`
	Consultations             int            `json:"consultations"`
	ConsultationsByHospital   map[string]int `json:"consultations_by_hospital"`
	ConsultationsByDepartment map[string]int `json:"consultations_by_department"`
	Meetings                  int            `json:"meetings"`
	MeetingsByFirm            map[string]int `json:"meetings_by_firm"`
}

func TestCLIReport(t *testing.T) {
	c := newCLI(t)
	c.run("demo")
	// The demo fair's report; what follows adds to it.
	var base report
	c.mustJSON(&base, "report", "--format", "json")
	var a, b struct{ ID, Code string }
	c.mustJSON(&a, "visitor", "add", "--name", "Айгерім Сейітқали", "--consent", "contact,health", "--type", "patient")
	c.mustJSON(&b, "visitor", "add", "--name", "김민준", "--consent", "contact", "--type", "media")
	for _, code := range []string{a.Code, a.Code, b.Code} {
		c.run("checkin", code, "--at", "2026-09-17T11:00:00+05:00")
	}
	c.mustJSON(&struct{}{}, "consult", "add", "--visitor", a.ID, "--hospital", "Seoul National University Dental", "--dept", "Dentistry")
	c.mustJSON(&struct{}{}, "meeting", "add", "--firm", "Hangang", "--agency", "Koktem Tour", "--mou")
	var r report
	c.mustJSON(&r, "report", "--format", "json")
	const dental = "Seoul National University Dental Hospital"
	if base.VisitorsUnique != 197 || r.VisitorsUnique != base.VisitorsUnique+2 || r.Scans != base.Scans+3 ||
		r.CheckinsByDay["2026-09-17"] != base.CheckinsByDay["2026-09-17"]+2 || r.VisitorsByType["media"] != base.VisitorsByType["media"]+1 ||
		r.Consultations != base.Consultations+1 || r.ConsultationsByHospital[dental] != base.ConsultationsByHospital[dental]+1 ||
		r.ConsultationsByDepartment["Dentistry"] != base.ConsultationsByDepartment["Dentistry"]+1 || r.Meetings != base.Meetings+1 {
		t.Fatalf("report: %+v\nthe demo's: %+v", r, base)
	}
	out := filepath.Join(t.TempDir(), "report.csv")
	if exit, _, errs := c.run("report", "--format", "csv", "--out", out); exit != 0 {
		t.Fatalf("csv: %d %s", exit, errs)
	}
	csv, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(csv, []byte("\xEF\xBB\xBF")) || !strings.Contains(string(csv), fmt.Sprintf("meetings_by_firm,Hangang Medical Tour,%d\r\n", base.MeetingsByFirm["Hangang Medical Tour"]+1)) {
		t.Fatalf("csv report: %v %q", err, csv[:min(len(csv), 200)])
	}
	xlsx := filepath.Join(t.TempDir(), "report.xlsx")
	if exit, _, errs := c.run("report", "--format", "xlsx", "--out", xlsx); exit != 0 {
		t.Fatalf("xlsx: %d %s", exit, errs)
	}
	if b, err := os.ReadFile(xlsx); err != nil || !bytes.HasPrefix(b, []byte("PK")) {
		t.Fatalf("xlsx report: %v", err)
	}
	pdf := filepath.Join(t.TempDir(), "report.pdf")
	if exit, _, errs := c.run("report", "--format", "pdf", "--lang", "ru", "--out", pdf); exit != 0 {
		t.Fatalf("pdf: %d %s", exit, errs)
	}
	if b, err := os.ReadFile(pdf); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("pdf report: %v", err)
	}
	if exit, _, errs := c.run("report", "--format", "doc"); exit != 2 || !strings.Contains(errs, "json, csv, xlsx or pdf") {
		t.Errorf("unknown format: %d %q", exit, errs)
	}
}

func TestCLILeads(t *testing.T) {
	c := newCLI(t)
	c.run("demo")
	const dental = "Seoul National University Dental"
	var a, b struct{ ID, Code string }
	c.mustJSON(&a, "visitor", "add", "--name", "Лидия Тестова", "--phone", "+7 701 555 12 99", "--consent", "contact,health,transfer",
		"--share-with", dental)
	c.mustJSON(&b, "visitor", "add", "--name", "Not Shared", "--consent", "contact,health")
	for _, v := range []string{a.ID, b.ID} {
		c.mustJSON(&struct{}{}, "consult", "add", "--visitor", v, "--hospital", dental, "--dept", "Dentistry", "--notes", "Кариес 26, пломба")
	}
	dir := t.TempDir()
	var res struct {
		Files []struct {
			Hospital, Path string
			Leads          int
			Notes          bool
		}
	}
	c.mustJSON(&res, "leads", "--out", dir, "--format", "csv", "--lang", "en")
	if len(res.Files) != 4 {
		t.Fatalf("%d files, want one per demo hospital: %+v", len(res.Files), res.Files)
	}
	for _, f := range res.Files {
		body, err := os.ReadFile(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		s := string(body)
		if strings.Contains(s, "Not Shared") || strings.Contains(s, "Кариес") || f.Notes {
			t.Errorf("%s: %q", f.Hospital, s)
		}
		if strings.HasPrefix(f.Hospital, dental) != strings.Contains(s, "Лидия Тестова") {
			t.Errorf("%s: %q", f.Hospital, s)
		}
	}
	c.stdin = "demo passphrase almaty\n"
	c.mustJSON(&res, "leads", "--out", dir, "--format", "csv", "--hospital", dental, "--passphrase-stdin")
	body, err := os.ReadFile(res.Files[0].Path)
	if err != nil || len(res.Files) != 1 || !res.Files[0].Notes || !strings.Contains(string(body), "Кариес 26, пломба") ||
		strings.Contains(string(body), "Not Shared") {
		t.Fatalf("with the passphrase: %v %+v %q", err, res.Files, body)
	}
	c.stdin = "wrong passphrase entirely\n"
	if exit, _, errs := c.run("leads", "--out", dir, "--hospital", dental, "--passphrase-stdin"); exit != 1 || errs == "" {
		t.Errorf("wrong passphrase: %d %q", exit, errs)
	}
	if exit, _, _ := c.run("leads", "--format", "csv"); exit != 2 {
		t.Errorf("no --out: %d", exit)
	}
}
