; resources/batch-segment.scm — segment every image of a folder with a
; saved maskgrow model, in headless GIMP 3 (Script-Fu v3).
;
;   gimp-console-3.0 -i -d -f --quit --batch-interpreter=plug-in-script-fu-eval \
;     -b '(load "resources/batch-segment.scm")
;         (maskgrow-batch "in-folder" "model.mgm" "out-folder")'
;
; An optional fourth argument is the file pattern inside in-folder
; (default "*.png"), e.g. (maskgrow-batch "in" "m.mgm" "out" "*.tif").
; For each image in-folder/NAME.EXT it writes out-folder/NAME.png: an 8-bit
; grey label image, 0 background and c for class c, the format of
; `maskgrow segment --out` and of `maskgrow evaluate --pred`.  The model
; must come from images of the same kind (grey or colour) — the `maskgrow`
; command (train) or Segment's "Save model as".
;
; How: plug-in-maskgrow-apply with #:channels "mask" adds one hard channel
; per class (0 or 255; classes never overlap), class 1 on top of the
; channel list, so on a freshly loaded image channel i is class i + 1 in
; any language (the channel names are translated).  The image is made 8-bit
; grey (gamma) and a black layer is added; for every class its channel
; becomes the selection and the layer is filled there with grey value c.
; An 8-bit grey fill of grey c stores exactly c, so this works for any
; number of classes (up to 255).  An empty class is skipped: filling with
; an empty selection would fill the whole layer.
(script-fu-use-v3)

; "a/b/name.ext" -> "name"
(define (maskgrow-base-name path)
  (let* ((chars (string->list path))
         (slash (let loop ((l chars) (i 0) (last -1))
                  (cond ((null? l) last)
                        ((char=? (car l) #\/) (loop (cdr l) (+ i 1) i))
                        (else (loop (cdr l) (+ i 1) last)))))
         (name  (substring path (+ slash 1) (string-length path)))
         (dot   (let loop ((i (- (string-length name) 1)))
                  (cond ((<= i 0) (string-length name))
                        ((char=? (string-ref name i) #\.) i)
                        (else (loop (- i 1)))))))
    (substring name 0 dot)))

; The label image of IMG, whose channels are the class channels (class 1
; first), as a new one-layer 8-bit grey image.  IMG is changed (grey, 8-bit,
; one more layer); the caller deletes it.
(define (maskgrow-label-image img)
  (let* ((channels (gimp-image-get-channels img))
         (width    (gimp-image-get-width img))
         (height   (gimp-image-get-height img)))
    (if (not (= (gimp-image-get-precision img) PRECISION-U8-NON-LINEAR))
        (gimp-image-convert-precision img PRECISION-U8-NON-LINEAR))
    (if (not (= (gimp-image-get-base-type img) GRAY))
        (gimp-image-convert-grayscale img))
    (let ((labels (gimp-layer-new img "maskgrow labels" width height
                                  GRAY-IMAGE 100 LAYER-MODE-NORMAL))
          (out    (gimp-image-new width height GRAY)))
      (gimp-image-insert-layer img labels 0 0)
      (gimp-context-push)
      (gimp-context-set-defaults)          ; normal mode, full opacity
      (gimp-selection-none img)
      (gimp-context-set-foreground '(0 0 0))
      (gimp-drawable-edit-fill labels FILL-FOREGROUND)
      (let loop ((c 1))
        (if (<= c (vector-length channels))
            (begin
              (gimp-image-select-item img CHANNEL-OP-REPLACE
                                      (vector-ref channels (- c 1)))
              (if (not (gimp-selection-is-empty img))
                  (begin
                    (gimp-context-set-foreground (list c c c))
                    (gimp-drawable-edit-fill labels FILL-FOREGROUND)))
              (loop (+ c 1)))))
      (gimp-selection-none img)
      (gimp-context-pop)
      (let ((layer (gimp-layer-new-from-drawable labels out)))
        (gimp-image-insert-layer out layer 0 0))
      out)))

; Segments IN-FOLDER/PATTERN with MODEL, writes OUT-FOLDER/NAME.png.
(define (maskgrow-batch in-folder model out-folder . pattern)
  (let* ((glob  (string-append in-folder "/"
                               (if (null? pattern) "*.png" (car pattern))))
         (found (file-glob glob 0))
         (files (if (vector? found) (vector->list found) found)))
    (if (null? files)
        (error (string-append "maskgrow-batch: no file matches " glob)))
    (for-each
      (lambda (file)
        (let* ((img   (gimp-file-load RUN-NONINTERACTIVE file))
               (layer (vector-ref (gimp-image-get-layers img) 0))
               (path  (string-append out-folder "/"
                                     (maskgrow-base-name file) ".png")))
          (plug-in-maskgrow-apply #:run-mode RUN-NONINTERACTIVE
                                  #:image img #:drawables (vector layer)
                                  #:model-file model
                                  #:selection "none" #:channels "mask")
          (let ((out (maskgrow-label-image img)))
            (gimp-file-save RUN-NONINTERACTIVE out path -1)
            (gimp-image-delete out))
          (gimp-image-delete img)
          (display (string-append "maskgrow-batch: " file " -> " path))
          (newline)))
      files)
    (length files)))
