# resources/batch-segment.py — segment every image of a folder with a saved
# maskgrow model, in headless GIMP 3 (Python-Fu); the same job as
# batch-segment.scm.
#
#   MASKGROW_IN=in-folder MASKGROW_MODEL=model.mgm MASKGROW_OUT=out-folder \
#     gimp-console-3.0 -i -d -f --quit --batch-interpreter=python-fu-eval \
#       -b - < resources/batch-segment.py
#
# (MASKGROW_PATTERN, default *.png, selects the files in MASKGROW_IN.)  Or
# from other Python-Fu code: exec(open('resources/batch-segment.py').read())
# with MASKGROW_IN unset, then maskgrow_batch('in', 'model.mgm', 'out').
#
# For each image in-folder/NAME.EXT it writes out-folder/NAME.png: an 8-bit
# grey label image, 0 background and c for class c (as `maskgrow segment
# --out`).  How: see batch-segment.scm — plug-in-maskgrow-apply makes one
# hard channel per class, class 1 first; each becomes the selection in
# which a black 8-bit grey layer is filled with grey c.
# Gimp and Gio are imported by python-fu-eval.
import glob
import os

import gi
gi.require_version('Gegl', '0.4')
from gi.repository import Gegl


def maskgrow_label_image(image):
    """The label image of IMAGE, whose channels are the class channels
    (class 1 first), as a new 8-bit grey image; IMAGE is changed."""
    channels = image.get_channels()
    width, height = image.get_width(), image.get_height()
    if image.get_precision() != Gimp.Precision.U8_NON_LINEAR:
        image.convert_precision(Gimp.Precision.U8_NON_LINEAR)
    if image.get_base_type() != Gimp.ImageBaseType.GRAY:
        image.convert_grayscale()
    labels = Gimp.Layer.new(image, 'maskgrow labels', width, height,
                            Gimp.ImageType.GRAY_IMAGE, 100,
                            Gimp.LayerMode.NORMAL)
    image.insert_layer(labels, None, 0)
    Gimp.context_push()
    Gimp.context_set_defaults()            # normal mode, full opacity
    Gimp.Selection.none(image)
    Gimp.context_set_foreground(Gegl.Color.new('#000000'))
    labels.edit_fill(Gimp.FillType.FOREGROUND)
    for c, channel in enumerate(channels, start=1):
        image.select_item(Gimp.ChannelOps.REPLACE, channel)
        # An empty selection would fill the whole layer.
        if not Gimp.Selection.is_empty(image):
            Gimp.context_set_foreground(
                Gegl.Color.new('#%02x%02x%02x' % (c, c, c)))
            labels.edit_fill(Gimp.FillType.FOREGROUND)
    Gimp.Selection.none(image)
    Gimp.context_pop()
    out = Gimp.Image.new(width, height, Gimp.ImageBaseType.GRAY)
    out.insert_layer(Gimp.Layer.new_from_drawable(labels, out), None, 0)
    return out


def maskgrow_batch(in_folder, model, out_folder, pattern='*.png'):
    files = sorted(glob.glob(os.path.join(in_folder, pattern)))
    if not files:
        raise RuntimeError('maskgrow-batch: no file matches %s'
                           % os.path.join(in_folder, pattern))
    apply = Gimp.get_pdb().lookup_procedure('plug-in-maskgrow-apply')
    if apply is None:
        raise RuntimeError('maskgrow-batch: plug-in-maskgrow-apply not found')
    for path in files:
        image = Gimp.file_load(Gimp.RunMode.NONINTERACTIVE,
                               Gio.File.new_for_path(path))
        config = apply.create_config()
        config.set_property('run-mode', Gimp.RunMode.NONINTERACTIVE)
        config.set_property('image', image)
        config.set_core_object_array('drawables', [image.get_layers()[0]])
        config.set_property('model-file', Gio.File.new_for_path(model))
        config.set_property('selection', 'none')
        config.set_property('channels', 'mask')
        result = apply.run(config)
        if result.index(0) != Gimp.PDBStatusType.SUCCESS:
            raise RuntimeError('maskgrow-batch: %s: %s'
                               % (path, result.index(1)))
        out = maskgrow_label_image(image)
        name = os.path.splitext(os.path.basename(path))[0] + '.png'
        target = os.path.join(out_folder, name)
        Gimp.file_save(Gimp.RunMode.NONINTERACTIVE, out,
                       Gio.File.new_for_path(target), None)
        out.delete()
        image.delete()
        print('maskgrow-batch: %s -> %s' % (path, target), flush=True)
    return len(files)


if os.environ.get('MASKGROW_IN'):
    maskgrow_batch(os.environ['MASKGROW_IN'], os.environ['MASKGROW_MODEL'],
                   os.environ['MASKGROW_OUT'],
                   os.environ.get('MASKGROW_PATTERN', '*.png'))
