package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCLIReport(t *testing.T) {
	c := newCLI(t)
	c.run("demo")
	var a, b struct{ ID, Code string }
	c.mustJSON(&a, "visitor", "add", "--name", "Айгерім Сейітқали", "--consent", "contact,health", "--type", "patient")
	c.mustJSON(&b, "visitor", "add", "--name", "김민준", "--consent", "contact", "--type", "media")
	for _, code := range []string{a.Code, a.Code, b.Code} {
		c.run("checkin", code, "--at", "2026-09-17T11:00:00+05:00")
	}
	c.mustJSON(&struct{}{}, "consult", "add", "--visitor", a.ID, "--hospital", "Seoul National University Dental", "--dept", "Dentistry")
	c.mustJSON(&struct{}{}, "meeting", "add", "--firm", "Hangang", "--agency", "Koktem Tour", "--mou")
	var r struct {
		VisitorsUnique            int            `json:"visitors_unique"`
		Scans                     int            `json:"scans"`
		CheckinsByDay             map[string]int `json:"checkins_by_day"`
		VisitorsByType            map[string]int `json:"visitors_by_type"`
		Consultations             int            `json:"consultations"`
		ConsultationsByHospital   map[string]int `json:"consultations_by_hospital"`
		ConsultationsByDepartment map[string]int `json:"consultations_by_department"`
		Meetings                  int            `json:"meetings"`
	}
	c.mustJSON(&r, "report", "--format", "json")
	if r.VisitorsUnique != 2 || r.Scans != 3 || r.CheckinsByDay["2026-09-17"] != 2 || r.VisitorsByType["media"] != 1 ||
		r.Consultations != 1 || r.ConsultationsByHospital["Seoul National University Dental Hospital"] != 1 ||
		r.ConsultationsByDepartment["Dentistry"] != 1 || r.Meetings != 1 {
		t.Fatalf("report: %+v", r)
	}
	out := filepath.Join(t.TempDir(), "report.csv")
	if exit, _, errs := c.run("report", "--format", "csv", "--out", out); exit != 0 {
		t.Fatalf("csv: %d %s", exit, errs)
	}
	csv, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(csv, []byte("\xEF\xBB\xBF")) || !strings.Contains(string(csv), "meetings_by_firm,Hangang Medical Tour,1") {
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
