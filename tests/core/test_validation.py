"""Model validation becomes one SimpulError, the same way for every app."""

from django.core.exceptions import ValidationError

from core.validation import validation_error


def test_the_first_field_becomes_the_error_field():
    error = validation_error(ValidationError({"place": ["Wajib diisi."]}))
    assert (error.message, error.field) == ("Wajib diisi.", "place")


def test_a_labelled_field_is_named_in_the_message():
    error = validation_error(
        ValidationError({"place": ["Wajib diisi."]}), labels={"place": "Tempat"}
    )
    assert (error.message, error.field) == ("Tempat: Wajib diisi.", "place")


def test_an_error_of_the_whole_object_has_no_field():
    error = validation_error(ValidationError({"__all__": ["Tanggal tidak cocok."]}))
    assert (error.message, error.field) == ("Tanggal tidak cocok.", None)
