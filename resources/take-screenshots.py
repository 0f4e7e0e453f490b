# resources/take-screenshots.py — the GIMP side of take-screenshots.sh
# (Python-Fu, run by gimp-3.0 --batch-interpreter=python-fu-eval -b -).
# Sets up each scene of the tutorial, then creates a marker file in
# $MG_SYNC and waits for the shell's "<scene>-done" after its screenshot.
# Gimp and Gio are imported by python-fu-eval.
import os
import time

sync = os.environ['MG_SYNC']
samples = os.environ['MG_SAMPLES']


def scene(name, limit=300):
    open(os.path.join(sync, name), 'w').close()
    start = time.time()
    while not os.path.exists(os.path.join(sync, name + '-done')):
        if time.time() - start > limit:
            raise SystemExit('take-screenshots: no screenshot of ' + name)
        time.sleep(0.2)


def load(path):
    return Gio.File.new_for_path(os.path.join(samples, path))


def segment_config(image, layer, run_mode):
    proc = Gimp.get_pdb().lookup_procedure('plug-in-maskgrow-segment')
    config = proc.create_config()
    config.set_property('run-mode', run_mode)
    config.set_property('image', image)
    config.set_core_object_array('drawables', [layer])
    return proc, config


image = Gimp.file_load(Gimp.RunMode.NONINTERACTIVE, load('nuclei.png'))
base = image.get_layers()[0]
image.convert_rgb()
hints = Gimp.file_load_layer(Gimp.RunMode.NONINTERACTIVE, image,
                             load('nuclei-hints-rgba.png'))
hints.set_name('Hints')
image.insert_layer(hints, None, 0)
image.set_selected_layers([hints])
Gimp.Display.new(image)
Gimp.displays_flush()
scene('hints')

# 1. The result: label and instance layers, the hints hidden.
proc, config = segment_config(image, base, Gimp.RunMode.NONINTERACTIVE)
config.set_property('quality', 'custom')
config.set_property('seconds', 0.0)
config.set_property('iterations', 300)
config.set_property('selection', 'none')
config.set_property('channels', 'none')
config.set_property('instance-layer', True)
proc.run(config)
hints.set_visible(False)
Gimp.displays_flush()
scene('result')

# 2. The dialog on a fresh copy of the picture with its hints (the shell
# takes its screenshot while it trains, then ends GIMP).
image2 = Gimp.file_load(Gimp.RunMode.NONINTERACTIVE, load('nuclei.png'))
base2 = image2.get_layers()[0]
image2.convert_rgb()
hints2 = Gimp.file_load_layer(Gimp.RunMode.NONINTERACTIVE, image2,
                              load('nuclei-hints-rgba.png'))
hints2.set_name('Hints')
image2.insert_layer(hints2, None, 0)
Gimp.Display.new(image2)
Gimp.displays_flush()
open(os.path.join(sync, 'dialog'), 'w').close()
proc, config = segment_config(image2, base2, Gimp.RunMode.INTERACTIVE)
config.set_property('quality', 'custom')
config.set_property('seconds', 60.0)
config.set_property('iterations', 0)
proc.run(config)
