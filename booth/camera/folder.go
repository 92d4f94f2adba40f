package camera

import (
	"context"
	"errors"
	"image"
	_ "image/jpeg" // the folder may hold JPEG pictures
	_ "image/png"  // and PNG pictures
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"medibooth/booth"
)

// Folder is a fake camera for tests and demos: it shows the PNG and JPEG
// pictures of a folder in name order at a fixed rate, stamping each frame
// with the time it is sent. Unlike a live camera it waits for the receiver,
// so no picture is skipped.
type Folder struct {
	name     string
	frames   []*image.Gray
	interval time.Duration
	loop     bool

	mu      sync.Mutex
	started bool
	stop    chan struct{}
	once    sync.Once
}

// NewFolder reads every PNG and JPEG picture in dir, converting each to grey
// once, to send them at fps pictures a second; with loop it starts over after
// the last one.
func NewFolder(dir string, fps int, loop bool) (*Folder, error) {
	if fps < 1 {
		return nil, booth.Errorf(booth.EINVALID, "The picture rate must be at least one picture a second.")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, withCause(booth.Errorf(booth.ENOTFOUND, "The picture folder could not be opened."), err)
	}
	var names []string
	for _, e := range entries {
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".png", ".jpg", ".jpeg":
			if !e.IsDir() {
				names = append(names, e.Name())
			}
		}
	}
	if len(names) == 0 {
		return nil, booth.Errorf(booth.EINVALID, "The picture folder holds no PNG or JPEG pictures.")
	}
	sort.Strings(names)
	f := &Folder{name: filepath.Base(dir), interval: time.Second / time.Duration(fps), loop: loop, stop: make(chan struct{})}
	for _, n := range names {
		g, err := readGray(filepath.Join(dir, n))
		if err != nil {
			return nil, withCause(booth.Errorf(booth.EINVALID, "A picture in the folder could not be read."), err)
		}
		f.frames = append(f.frames, g)
	}
	return f, nil
}

func readGray(path string) (*image.Gray, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	img, _, err := image.Decode(file)
	if err != nil {
		return nil, errors.Join(errors.New(filepath.Base(path)), err)
	}
	return toGray(img), nil
}

// Len returns the number of pictures.
func (f *Folder) Len() int { return len(f.frames) }

// Name returns the folder's name.
func (f *Folder) Name() string { return f.name }

// Err is always nil: the pictures were read when the folder was opened.
func (f *Folder) Err() error { return nil }

// Frames sends the pictures: the first at once, then one every 1/fps.
func (f *Folder) Frames(ctx context.Context) (<-chan Frame, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.started {
		return nil, errors.New("camera: Frames called twice")
	}
	f.started = true
	ch := make(chan Frame)
	go f.run(ctx, ch)
	return ch, nil
}

func (f *Folder) run(ctx context.Context, ch chan<- Frame) {
	defer close(ch)
	tick := time.NewTicker(f.interval)
	defer tick.Stop()
	for i := 0; ; i++ {
		if i == len(f.frames) {
			if !f.loop {
				return
			}
			i = 0
		}
		select {
		case ch <- Frame{Gray: f.frames[i], At: time.Now()}:
		case <-ctx.Done():
			return
		case <-f.stop:
			return
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return
		case <-f.stop:
			return
		}
	}
}

// Close stops the pictures.
func (f *Folder) Close() error {
	f.once.Do(func() { close(f.stop) })
	return nil
}
