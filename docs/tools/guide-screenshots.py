#!/usr/bin/python3
# docs/tools/guide-screenshots.py BUILD_DIR OUT_DIR
#
# Drives the app into the states that docs/getting-started.md, docs/user-guide.md and
# docs/testing.md show and
# photographs each window into OUT_DIR/NAME.png. Run by docs/tools/take-guide-screenshots.sh,
# which provides the display, the session bus, the keyring and a throwaway HOME
# (tests/run-headless); run it through that script, not by itself.
#
# The app is driven the way a screen reader drives it: over AT-SPI (python3-pyatspi), using the
# actions GTK exports for the window, the canvas and the editor (win.new-flow, graph.zoom-fit,
# editor.show-inspector, …) and, where only a pointer will do (selecting a card, picking a row),
# a click with xdotool at the place AT-SPI reports. No state is faked: the flows are real files,
# the runs really run, the history is the app's own.

import json
import os
import shutil
import subprocess
import sys
import time

import pyatspi

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(sys.argv[1])
OUT = os.path.abspath(sys.argv[2])
APP = os.path.join(BUILD, 'src', 'app', 'conduit')
CLI = os.path.join(BUILD, 'src', 'cli', 'conduit-cli')
HOME = os.environ['HOME']
# The window's subtitle shows the flow's folder (in full): open the flows from a fixed, neutral
# one, so that a picture shows neither this checkout's path nor a random one.
SHOWN = '/tmp/conduit-guide'
DOCUMENTS = os.path.join(SHOWN, 'Documents')
WORK = os.path.join(HOME, 'guide-screenshots')


class Failed(Exception):
    pass


def log(message):
    print('take-guide-screenshots: ' + message, flush=True)


def wait_for(what, check, seconds=15.0):
    """Polls CHECK until it returns something true; fails naming WHAT after SECONDS."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            value = check()
        except Exception:  # an accessible that went away while we looked: look again
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failed('%s did not happen within %g s' % (what, seconds))
        time.sleep(0.1)


# --- the accessibility tree -------------------------------------------------------------------

def children(acc):
    try:
        return [c for c in acc if c is not None]
    except Exception:
        return []


def find_all(root, role=None, name=None, prefix=None, limit=0):
    """Every descendant of ROOT with ROLE (role name) whose name is NAME or starts with PREFIX,
    breadth first. GTK 4.8 does not say which widgets are on screen (no "showing" state; the
    pages of a stack that are not shown are there too), so names must tell them apart."""
    found = []
    queue = [root]
    while queue:
        acc = queue.pop(0)
        for child in children(acc):
            try:
                child_role = child.getRoleName()
                child_name = child.name or ''
            except Exception:
                continue
            if ((role is None or child_role == role) and
                    (name is None or child_name == name) and
                    (prefix is None or child_name.startswith(prefix))):
                found.append(child)
                if limit and len(found) >= limit:
                    return found
            queue.append(child)
    return found


def find(root, role=None, name=None, prefix=None, what=None, seconds=10.0):
    description = what or '%s “%s”' % (role or 'widget', name or prefix or '')
    return wait_for(description + ' to show',
                    lambda: (find_all(root, role, name, prefix, limit=1) or [None])[0], seconds)


def do_action(acc, action):
    """Activates ACTION, one of the actions GTK exports for the widget ACC."""
    iface = acc.queryAction()
    for i in range(iface.nActions):
        if iface.getName(i) == action:
            iface.doAction(i)
            return
    raise Failed('“%s” offers no action %s (it has: %s)' % (
        acc.name, action, ', '.join(iface.getName(i) for i in range(iface.nActions))))


def click(acc, button=1, double=False):
    """Clicks the middle of ACC with the X pointer."""
    box = acc.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    if box.width <= 0 or box.height <= 0:
        raise Failed('“%s” has no place on the screen to click' % acc.name)
    x, y = box.x + box.width // 2, box.y + box.height // 2
    subprocess.run(['xdotool', 'mousemove', str(x), str(y)], check=True)
    subprocess.run(['xdotool', 'click'] + (['--repeat', '2'] if double else []) + [str(button)],
                   check=True)
    # park the pointer where it highlights nothing in the next picture
    subprocess.run(['xdotool', 'mousemove', '1279', '1023'], check=True)


def drag(acc, dx, dy):
    """Drags ACC by its top part (a card's title) DX, DY pixels, in steps as a hand would."""
    box = acc.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    x, y = box.x + box.width // 2, box.y + 20
    subprocess.run(['xdotool', 'mousemove', str(x), str(y), 'mousedown', '1'], check=True)
    for step in range(1, 11):
        subprocess.run(['xdotool', 'mousemove', str(x + dx * step // 10),
                        str(y + dy * step // 10)], check=True)
        time.sleep(0.03)
    subprocess.run(['xdotool', 'mouseup', '1', 'mousemove', '1279', '1023'], check=True)


def key(*keys):
    subprocess.run(['xdotool', 'key', '--clearmodifiers'] + list(keys), check=True)


# --- the app ----------------------------------------------------------------------------------

class App:
    """One run of the app, on FILES, with English text and the default window size."""

    def __init__(self, *files):
        env = dict(os.environ, LANGUAGE='en', LC_ALL='C.UTF-8', GTK_A11Y='atspi',
                   GSETTINGS_BACKEND='memory', GSETTINGS_SCHEMA_DIR=os.path.join(BUILD, 'data'))
        self.log_path = os.path.join(WORK, 'app.log')
        self.log_file = open(self.log_path, 'a')
        self.process = subprocess.Popen([APP] + list(files), env=env, cwd=DOCUMENTS,
                                        stdout=self.log_file, stderr=subprocess.STDOUT)
        self.acc = wait_for('the app to appear on the accessibility bus', self._find)

    def _find(self):
        if self.process.poll() is not None:
            self.log_file.flush()
            with open(self.log_path) as f:
                raise Failed('the app exited with %s:\n%s' % (self.process.returncode, f.read()))
        for app in pyatspi.Registry.getDesktop(0):
            try:
                if app is not None and app.get_process_id() == self.process.pid:
                    return app
            except Exception:
                continue
        return None

    def window(self, title):
        """The app's top-level window titled TITLE, once it shows."""
        return wait_for('a window titled “%s”' % title,
                        lambda: next((w for w in children(self.acc)
                                      if w.name == title), None))

    def new_window(self, action):
        """Calls ACTION (a function) and returns the top-level window it opens."""
        before = set(w.name for w in children(self.acc))
        action()
        return wait_for('a new window',
                        lambda: next((w for w in children(self.acc) if w.name not in before),
                                     None))

    def quit(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log_file.close()


# --- pictures ---------------------------------------------------------------------------------

def x_window(title):
    """The X id and geometry (w, h, x, y) of the top-level window titled TITLE."""
    def look():
        tree = subprocess.run(['xwininfo', '-root', '-tree'], capture_output=True, text=True,
                              check=True).stdout
        for line in tree.splitlines():
            if '"%s"' % title in line:
                wid = line.split()[0]
                info = subprocess.run(['xwininfo', '-id', wid], capture_output=True, text=True,
                                      check=True).stdout
                if 'Map State: IsViewable' not in info:
                    continue
                values = {}
                for row in info.splitlines():
                    if ':' in row:
                        k, v = row.strip().split(':', 1)
                        values[k] = v.strip()
                return (int(values['Width']), int(values['Height']),
                        int(values['Absolute upper-left X']), int(values['Absolute upper-left Y']))
        return None
    return wait_for('an X window titled “%s”' % title, look)


def shoot(window, name):
    """Photographs WINDOW (an accessible frame, or a title) into OUT/NAME.png once it has
    stopped changing."""
    # a window whose title is changing (the • of unsaved changes) has none for a moment
    title = window if isinstance(window, str) else wait_for('the window’s title',
                                                            lambda: window.name)
    w, h, x, y = x_window(title)
    crop = '%dx%d+%d+%d' % (w, h, x, y)
    previous = os.path.join(WORK, 'previous.png')
    current = os.path.join(WORK, 'current.png')

    def grab(path):
        subprocess.run(['import', '-window', 'root', '-crop', crop, '+repage', path], check=True)

    grab(previous)
    for _ in range(50):
        time.sleep(0.3)
        grab(current)
        diff = subprocess.run(['compare', '-metric', 'AE', previous, current, 'null:'],
                              capture_output=True, text=True)
        if diff.stderr.strip() == '0':
            break
        shutil.move(current, previous)
    else:
        raise Failed('the window “%s” kept changing for 15 s; no picture %s' % (title, name))
    out = os.path.join(OUT, name + '.png')
    # no metadata (dates): an unchanged window gives an unchanged file
    subprocess.run(['convert', current, '-strip', out], check=True)
    log('wrote %s.png (%dx%d)' % (name, w, h))


# --- the states -------------------------------------------------------------------------------

def editor_parts(frame):
    editor = find(frame, 'filler', 'ConduitEditor')
    canvas = find(editor, 'panel', 'Flow canvas')
    return editor, canvas


def card(canvas, title):
    return find(canvas, 'panel', prefix=title + ', ', what='the card “%s”' % title)


def zoom_fit(canvas):
    do_action(canvas, 'graph.zoom-fit')
    time.sleep(0.5)


def start_page():
    app = App()
    try:
        frame = app.window('Conduit')
        find(frame, 'list', 'Example flows')
        shoot('Conduit', 'start-page')
    finally:
        app.quit()


def new_flow_and_palette():
    app = App()
    try:
        frame = app.window('Conduit')
        do_action(frame, 'win.new-flow')
        frame = app.window('Untitled Flow — Conduit')
        editor, canvas = editor_parts(frame)
        shoot(frame, 'new-flow')
        search = find(editor, 'entry', 'Search the steps you can add')
        search.queryEditableText().setTextContents('write')
        find(editor, 'list item', 'Write File')
        time.sleep(0.5)
        shoot(frame, 'palette')

        # the first step of the guide's flow: a double-click in the palette adds it
        search.queryEditableText().setTextContents('')
        time.sleep(0.5)
        click(find(editor, 'list item', 'Webhook'), double=True)
        webhook = card(canvas, 'Webhook')
        time.sleep(0.5)
        shoot(frame, 'first-step')
        # room for the next card, which lands in the middle of the view too
        drag(webhook, -200, 0)

        # a step with a required setting left empty: the card's badge, the setting in red
        search.queryEditableText().setTextContents('write file')
        time.sleep(0.5)
        click(find(editor, 'list item', 'Write File'), double=True)
        drag(card(canvas, 'Write File'), 60, 0)
        search.queryEditableText().setTextContents('')
        time.sleep(0.5)
        shoot(frame, 'step-problem')
    finally:
        app.quit()


def first_flow(flow, title):
    """The guide's flow: the canvas, a step's settings, the mapping table, a run, the history."""
    app = App(flow)
    window_title = title + ' — Conduit'
    try:
        frame = app.window(window_title)
        editor, canvas = editor_parts(frame)
        zoom_fit(canvas)
        shoot(frame, 'canvas')

        click(card(canvas, 'Add to leads file'))
        find(editor, 'text', 'Name on the canvas')
        find(editor, 'label', 'File')
        shoot(frame, 'inspector')

        click(card(canvas, 'Tidy up'))
        edit = find(editor, 'push button', prefix='_Edit', what='the Edit Mapping button')
        do_action(edit, 'click')
        mapping_title = 'Map Fields — Tidy up'
        app.window(mapping_title)
        time.sleep(1.0)
        shoot(mapping_title, 'mapping-table')
        do_action(app.window(mapping_title), 'window.close')
        wait_for('the mapping window to close',
                 lambda: not any(w.name == mapping_title for w in children(app.acc)))

        do_action(frame, 'win.run')
        # the inspector's run panel of the selected step says how the run went
        find(editor, 'label', prefix='2 in · ', what='the step’s run summary', seconds=30)
        click(card(canvas, 'Add to leads file'))
        time.sleep(1.0)
        shoot(frame, 'run-panel')

        # the run's notification would cover the history's items: let it go (libadwaita's
        # toasts stay five seconds)
        time.sleep(5.5)
        do_action(frame, 'win.show-history')
        # the newest run (its row has no accessible name in GTK 4.8's list view)
        runs = find(frame, 'list', 'Runs, newest first')
        run = wait_for('a run in the history', lambda: (children(runs) or [None])[0])
        click(run)
        time.sleep(1.0)
        shoot(frame, 'history')
    finally:
        app.quit()


def odd_sample(flow, title):
    """The mapping table on a sample it rejects: the red statuses and the count."""
    app = App(flow)
    try:
        frame = app.window(title + ' — Conduit')
        editor, canvas = editor_parts(frame)
        click(card(canvas, 'Tidy up'))
        edit = find(editor, 'push button', prefix='_Edit', what='the Edit Mapping button')
        do_action(edit, 'click')
        window = app.window('Map Fields — Tidy up')
        following = find(window, 'push button', 'Next sample record')
        for shown in ('2 of 3', '3 of 3'):
            do_action(following, 'click')
            find(window, 'label', shown, what='the sample “%s”' % shown)
        time.sleep(1.0)
        shoot(window, 'mapping-problem')
    finally:
        app.quit()


def trouble(flow, title):
    """A flow whose credential is missing: the banner, a failed run, the credential editor."""
    app = App(flow)
    window_title = title + ' — Conduit'
    try:
        frame = app.window(window_title)
        editor, canvas = editor_parts(frame)
        find(editor, 'label', prefix='This flow uses the credential', what='the credential banner')
        do_action(frame, 'win.run')
        click(card(canvas, 'Create CRM contact'))
        find(editor, 'label', 'Failed', what='the step’s failed run', seconds=60)
        time.sleep(1.0)
        shoot(frame, 'run-failed')

        create = find(editor, 'push button', prefix='_Create', what='the banner’s Create button')
        dialog = app.new_window(lambda: do_action(create, 'click'))
        time.sleep(1.0)
        shoot(dialog, 'credential-editor')
    finally:
        app.quit()


def credentials():
    """The credentials window, with one credential stored the way a server's admin would."""
    subprocess.run([CLI, 'credential', 'set', 'crm-api-key', '--kind', 'api-key',
                    '--name', 'CRM API key', '--field', 'header=X-CRM-Key'],
                   input='guide-example-key', text=True, check=True, capture_output=True)
    app = App()
    try:
        frame = app.window('Conduit')
        dialog = app.new_window(lambda: subprocess.run(
            ['gapplication', 'action', 'io.conduit.Conduit', 'credentials'], check=True))
        time.sleep(1.0)
        shoot(dialog, 'credentials')
    finally:
        app.quit()


def testing(flow, title):
    """docs/testing.md: a run saved as a test from the history, the Tests pane with the test
    passed, then failed with its differences once the mapping changed."""
    window_title = title + ' — Conduit'
    app = App(flow)
    try:
        frame = app.window(window_title)
        editor, canvas = editor_parts(frame)
        zoom_fit(canvas)
        click(card(canvas, 'Add to leads file'))
        do_action(frame, 'win.run')
        find(editor, 'label', prefix='2 in · ', what='the step’s run summary', seconds=30)
        # the run's notification would cover the dialog (toasts stay five seconds)
        time.sleep(5.5)
        do_action(frame, 'win.show-history')
        runs = find(frame, 'list', 'Runs, newest first')
        run = wait_for('a run in the history', lambda: (children(runs) or [None])[0])
        click(run)
        save = find(frame, 'push button', 'Save this run as a test of the flow')
        dialog = app.new_window(lambda: do_action(save, 'click'))
        name = find(dialog, 'text', 'The test’s name')
        name.queryEditableText().setTextContents('two sign-ups')
        time.sleep(1.0)
        shoot(dialog, 'testing-save')
        do_action(find(dialog, 'push button', prefix='_Save', what='the Save Test button'),
                  'click')
        time.sleep(5.5)

        pane = app.new_window(lambda: do_action(frame, 'win.show-tests'))
        do_action(find(pane, 'push button', prefix='Run all tests of the flow'), 'click')
        find(pane, 'label', 'Passed', what='the test’s result', seconds=30)
        time.sleep(1.0)
        shoot(pane, 'testing-pass')
    finally:
        app.quit()

    # The change: the e-mail address kept as typed (the guide's step 4), saved in the file
    with open(flow, encoding='utf-8') as f:
        document = json.load(f)
    for row in document['nodes'][1]['mapping']['rows']:
        if row['destination'] == 'email':
            row['expression'] = 'trim(Email)'
    with open(flow, 'w', encoding='utf-8') as f:
        json.dump(document, f, indent=2)

    app = App(flow)
    try:
        frame = app.window(window_title)
        pane = app.new_window(lambda: do_action(frame, 'win.show-tests'))
        do_action(find(pane, 'push button', prefix='Run all tests of the flow'), 'click')
        find(pane, 'label', prefix='Failed: ', what='the test’s failure', seconds=30)
        time.sleep(1.0)
        shoot(pane, 'testing-diff')
    finally:
        app.quit()


def main():
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(DOCUMENTS, exist_ok=True)
    os.makedirs(WORK, exist_ok=True)
    flow = os.path.join(DOCUMENTS, 'new-leads.conduit')
    shutil.copy(os.path.join(TOP, 'docs', 'examples', 'new-leads.conduit'), flow)
    crm = os.path.join(DOCUMENTS, 'web-form-to-crm.conduit')
    shutil.copy(os.path.join(TOP, 'data', 'examples', 'web-form-to-crm.conduit'), crm)
    # the guide's flow with a third sign-up that the mapping must reject
    odd = os.path.join(DOCUMENTS, 'new-leads-odd.conduit')
    with open(flow, encoding='utf-8') as f:
        document = json.load(f)
    document['nodes'][0]['settings']['items'].append(
        {'Name': '', 'Email': 'jane.doe(at)example.com', 'Newsletter': 'yes'})
    with open(odd, 'w', encoding='utf-8') as f:
        json.dump(document, f, indent=2)
    # docs/testing.md's flow: a folder of its own, since the state changes the flow's mapping
    tested = os.path.join(DOCUMENTS, 'testing', 'new-leads.conduit')
    os.makedirs(os.path.dirname(tested), exist_ok=True)
    shutil.copy(os.path.join(TOP, 'docs', 'examples', 'new-leads.conduit'), tested)
    # in this order: the history of the last one shows the runs of the others
    states = {
        'start': start_page,
        'new': new_flow_and_palette,
        'odd': lambda: odd_sample(odd, 'New leads to a file'),
        'trouble': lambda: trouble(crm, 'Web form lead to CRM contact'),
        'credentials': credentials,
        'first': lambda: first_flow(flow, 'New leads to a file'),
        'testing': lambda: testing(tested, 'New leads to a file'),
    }
    wanted = sys.argv[3:] or list(states)
    try:
        for name in wanted:
            states[name]()
    except Failed as e:
        log(str(e))
        return 1
    finally:
        shutil.rmtree(SHOWN, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
