// The media helpers of tests/codecs, compiled into actors_tests as well (the test CMake globs
// only this directory's *_util.cpp files).
#include "tests/codecs/media_util.cpp"
