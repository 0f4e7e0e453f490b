# tests/ui/test-undo.py — the GIMP side of test-undo.sh (Python-Fu in GIMP
# with its interface).  Segments the test image with every output, then
# waits while the shell presses Ctrl+Z once over the canvas, and prints
# whether the image is exactly as before: the same layers (names, order,
# pixels), no layer mask, no channels, the same (empty) selection.
# Gimp and Gio are imported by python-fu-eval.
import hashlib
import os
import time

sync = os.environ['MG_SYNC']
data = os.environ['MG_DATA']


def say(*things):
    print('maskgrow-test:', *things, flush=True)


def pixels(drawable):
    """A digest of the drawable's pixels in its own format."""
    buffer = drawable.get_buffer()
    rect = buffer.get_extent()
    raw = buffer.get(rect, 1.0, None, Gegl.AbyssPolicy.NONE)
    return hashlib.sha256(bytes(raw)).hexdigest()


def state(image):
    layers = [(layer.get_name(), layer.get_offsets()[1:],
               layer.get_mask() is not None, pixels(layer))
              for layer in image.get_layers()]
    return (layers, len(image.get_channels()),
            Gimp.Selection.is_empty(image))


def wait(name, limit=120):
    start = time.time()
    while not os.path.exists(os.path.join(sync, name)):
        if time.time() - start > limit:
            say('no', name)
            return False
        time.sleep(0.2)
    return True


import gi
gi.require_version('Gegl', '0.4')
from gi.repository import Gegl

image = Gimp.file_load(Gimp.RunMode.NONINTERACTIVE,
                       Gio.File.new_for_path(data + '/nuclei-grey.png'))
base = image.get_layers()[0]
image.convert_rgb()
hints = Gimp.file_load_layer(Gimp.RunMode.NONINTERACTIVE, image,
                             Gio.File.new_for_path(
                               data + '/nuclei-grey-hints-rgba.png'))
hints.set_name('Hints')
image.insert_layer(hints, None, 0)
# Loading and converting are undo steps of their own: start clean.
image.clean_all()
Gimp.Display.new(image)
Gimp.displays_flush()
before = state(image)

proc = Gimp.get_pdb().lookup_procedure('plug-in-maskgrow-segment')
config = proc.create_config()
config.set_property('run-mode', Gimp.RunMode.NONINTERACTIVE)
config.set_property('image', image)
config.set_core_object_array('drawables', [base])
config.set_property('quality', 'custom')
config.set_property('seconds', 0.0)
config.set_property('iterations', 30)
config.set_property('layer-mask', True)
config.set_property('label-layer', True)
config.set_property('instance-layer', True)
result = proc.run(config)
Gimp.displays_flush()
after = state(image)
say('segment', result.index(0))
say('changed', after != before)
open(os.path.join(sync, 'segmented'), 'w').close()
if wait('undone'):
    time.sleep(1)
    undone = state(image)
    say('restored', undone == before)
    if undone != before:
        say('before', before)
        say('undone', undone)
open(os.path.join(sync, 'checked'), 'w').close()
