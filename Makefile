# The two commands a newcomer needs:  make run  (start the kiosk)  and  make test.
# Both create or reuse .venv, install exactly the pinned dependencies, then run.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint unit venv clean-venv models translations

run: $(STAMP)
	$(BIN)/kiosk run

test: $(STAMP) lint unit test-mediapipe test-coreml test-bundle

lint: $(STAMP)
	$(BIN)/ruff check kiosk tests models/build ios_companion packaging
	$(BIN)/ruff format --check kiosk tests models/build ios_companion packaging
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest

venv: $(STAMP)

$(STAMP): pyproject.toml packaging/constraints.txt packaging/system-deps.sh
	bash packaging/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==26.3
	$(BIN)/python -m pip install --quiet -c packaging/constraints.txt -e '.[dev]'
	$(BIN)/python -m pip check
	touch $(STAMP)

clean-venv:
	rm -rf $(VENV)

# Translations (kiosk/ui/i18n.py): collect the UI's strings into the Qt Linguist sources
# kiosk/ui/translations/kiosk_<lang>.ts (translators edit these), then compile the .qm files the
# kiosk loads. Both are committed; tests/unit/test_translations.py checks they are in step.
LANGS := de zh_CN
UI_SOURCES = $(sort $(wildcard kiosk/ui/*.py kiosk/ui/staff/*.py))
translations: $(STAMP)
	for lang in $(LANGS); do \
		$(BIN)/pyside6-lupdate -silent -no-obsolete -locations none -target-language $$lang \
			$(UI_SOURCES) -ts kiosk/ui/translations/kiosk_$$lang.ts && \
		$(BIN)/pyside6-lrelease -silent kiosk/ui/translations/kiosk_$$lang.ts \
			-qm kiosk/ui/translations/kiosk_$$lang.qm || exit 1; \
	done

# Rebuild every model file from its pinned source (build-time tools in their own environments).
models: $(STAMP)
	test -x .venv-build-tf/bin/python || $(PYTHON) -m venv .venv-build-tf
	.venv-build-tf/bin/pip install --quiet -r models/build/requirements-tf.txt
	test -x .venv-build-dlib/bin/python || $(PYTHON) -m venv .venv-build-dlib
	.venv-build-dlib/bin/pip install --quiet -r models/build/requirements-dlib.txt
	.venv-build-tf/bin/python -m models.build.build_detector
	.venv-build-tf/bin/python -m models.build.build_blazeface_onnx
	.venv-build-tf/bin/python -m models.build.build_landmarks
	.venv-build-tf/bin/python -m models.build.build_emotion
	.venv-build-tf/bin/python -m models.build.build_mask
	.venv-build-tf/bin/python -m models.build.build_blendshapes
	.venv-build-dlib/bin/python -m models.build.dlib_resnet

# The kiosk runs MediaPipe's BlazeFace models in onnxruntime; MediaPipe Tasks on the original
# .tflite files is their reference. mediapipe needs opencv-contrib-python (the kiosk ships the
# headless OpenCV), so the parity test has its own environment and uses kiosk from the source tree.
MP_VENV  ?= .venv-mediapipe
MP_STAMP := $(MP_VENV)/.installed

.PHONY: test-mediapipe

$(MP_STAMP): tests/mediapipe/requirements.txt packaging/system-deps.sh
	bash packaging/system-deps.sh
	test -x $(MP_VENV)/bin/python || $(PYTHON) -m venv $(MP_VENV)
	$(MP_VENV)/bin/python -m pip install --quiet --upgrade pip==26.3
	$(MP_VENV)/bin/python -m pip install --quiet -r tests/mediapipe/requirements.txt
	$(MP_VENV)/bin/python -m pip check
	touch $(MP_STAMP)

test-mediapipe: $(MP_STAMP)
	PYTHONPATH=. $(MP_VENV)/bin/python -m pytest -p no:cacheprovider --confcutdir=tests/mediapipe \
		-W ignore::pytest.PytestConfigWarning tests/mediapipe

# iPad companion (ios_companion/README.md): Core ML models converted from the kiosk's ONNX files,
# in their own environment (torch + coremltools are build-time tools, never kiosk dependencies).
COREML_VENV  ?= .venv-coreml
COREML_STAMP := $(COREML_VENV)/.installed

.PHONY: coreml test-coreml

$(COREML_STAMP): ios_companion/requirements-coreml.txt ios_companion/constraints-coreml.txt
	test -x $(COREML_VENV)/bin/python || $(PYTHON) -m venv $(COREML_VENV)
	$(COREML_VENV)/bin/python -m pip install --quiet --upgrade pip==26.3
	$(COREML_VENV)/bin/python -m pip install --quiet -r ios_companion/requirements-coreml.txt
	$(COREML_VENV)/bin/python -m pip check
	touch $(COREML_STAMP)

coreml: $(COREML_STAMP)
	PYTHONPATH=. $(COREML_VENV)/bin/python ios_companion/build_coreml.py

test-coreml: $(COREML_STAMP)
	cd ios_companion && ../$(COREML_VENV)/bin/python -m pytest

# Installer bundle (packaging/README.md): a PyInstaller one-folder build, dist/iface-kiosk/, that
# runs on a PC without Python. PyInstaller is a build tool: it lives in its own environment.
BUNDLE_VENV  ?= .venv-bundle
BUNDLE_STAMP := $(BUNDLE_VENV)/.installed

.PHONY: bundle test-bundle

$(BUNDLE_STAMP): pyproject.toml packaging/constraints.txt packaging/requirements-bundle.txt
	bash packaging/system-deps.sh
	test -x $(BUNDLE_VENV)/bin/python || $(PYTHON) -m venv $(BUNDLE_VENV)
	$(BUNDLE_VENV)/bin/python -m pip install --quiet --upgrade pip==26.3
	$(BUNDLE_VENV)/bin/python -m pip install --quiet -c packaging/constraints.txt \
		-r packaging/requirements-bundle.txt .
	$(BUNDLE_VENV)/bin/python -m pip check
	touch $(BUNDLE_STAMP)

bundle: $(BUNDLE_STAMP)
	$(BUNDLE_VENV)/bin/pyinstaller --noconfirm --log-level WARN \
		--distpath dist --workpath build/pyinstaller packaging/kiosk.spec
	du -sh dist/iface-kiosk

# The bundle's own self-test (models, demo clip, suggestions, GUI offscreen), as on a shop PC.
test-bundle: bundle
	QT_QPA_PLATFORM=offscreen dist/iface-kiosk/iface-kiosk --self-test
