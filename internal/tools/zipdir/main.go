// Command zipdir writes a zip archive of a directory, for machines without `zip`:
//
//	go run ./internal/tools/zipdir DIR OUT.zip
//
// Entries are relative to DIR, in lexical order, with a fixed time stamp so that the same tree
// gives the same archive; file modes (the executable bit of scripts and binaries) are kept.
package main

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// stamp is the modification time of every entry (zip cannot store times before 1980).
var stamp = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: zipdir DIR OUT.zip")
		os.Exit(2)
	}
	if err := zipDir(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintf(os.Stderr, "zipdir: %v\n", err)
		os.Exit(1)
	}
}

// zipDir writes every regular file under dir into the zip archive out.
func zipDir(dir, out string) (err error) {
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("failed to create %s: %w", out, err)
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	zw := zip.NewWriter(f)
	walkErr := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return addFile(zw, path, filepath.ToSlash(rel), info)
	})
	return errors.Join(walkErr, zw.Close())
}

// addFile copies one file into the archive under name.
func addFile(zw *zip.Writer, path, name string, info fs.FileInfo) error {
	hdr, err := zip.FileInfoHeader(info)
	if err != nil {
		return fmt.Errorf("failed to describe %s: %w", path, err)
	}
	hdr.Name = name
	hdr.Method = zip.Deflate
	hdr.Modified = stamp
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		return fmt.Errorf("failed to add %s: %w", name, err)
	}
	src, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("failed to open %s: %w", path, err)
	}
	defer src.Close()
	if _, err := io.Copy(w, src); err != nil {
		return fmt.Errorf("failed to copy %s: %w", path, err)
	}
	return nil
}
