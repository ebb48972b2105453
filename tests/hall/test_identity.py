"""Identity data: resident ID numbers, credit codes, mobile numbers and masking.

# issue 3: GB 11643 / GB 32100 — these validate the applicant's data in the cases issue.

Valid numbers are generated with small check-character implementations written
here independently of hall.identity (the weights are derived from their
definition, 2^(17-i) mod 11 and 3^i mod 31, rather than copied), and the
well-known examples below were confirmed against them by calculation.
Messages are read in English so that the assertions do not depend on the
translations being worked on in locale/.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from hall.identity import (
    mask_id,
    mask_phone,
    resident_id_birth_date,
    resident_id_gender,
    validate_credit_code,
    validate_mobile,
    validate_resident_id,
)


def refusal(validator, value) -> ValidationError:
    """The ValidationError `validator` raises for `value`, raised in English."""
    with override("en"), pytest.raises(ValidationError) as caught:
        validator(value)
    return caught.value


def message(validator, value) -> str:
    error = refusal(validator, value)
    assert len(error.messages) == 1
    return error.messages[0]


# -- independent check-character implementations -------------------------------------


def id_check_char(first_17: str) -> str:
    """GB 11643: weights 2^(17-i) mod 11; the check value makes the total ≡ 1 (mod 11)."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first_17))
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


def resident_id(region: str = "110105", born: str = "19491231", serial: str = "002") -> str:
    first_17 = region + born + serial
    assert len(first_17) == 17
    return first_17 + id_check_char(first_17)


CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_check_char(first_17: str) -> str:
    """GB 32100: weights 3^i mod 31; the check value makes the total ≡ 0 (mod 31)."""
    total = sum(CHARSET.index(c) * pow(3, i, 31) for i, c in enumerate(first_17))
    return CHARSET[-total % 31]


def credit_code(first_17: str = "91350100M000100Y4") -> str:
    assert len(first_17) == 17
    return first_17 + credit_check_char(first_17)


def test_the_independent_helpers_agree_with_the_standards_examples():
    assert id_check_char("11010519491231002") == "X"  # GB 11643-1999's example
    assert id_check_char("44052418800101001") == "4"  # GB 11643-1999's example
    assert credit_check_char("91350100M000100Y4") == "3"  # GB 32100-2015's example


# -- resident identity card number (GB 11643-1999) -------------------------------------


def test_it_accepts_the_standards_example_id_number():
    assert validate_resident_id("11010519491231002X") == "11010519491231002X"


@pytest.mark.parametrize(
    "number",
    [
        resident_id("430102", "19900101", "123"),
        resident_id("440305", "20000229", "456"),  # a leap day
        resident_id("310101", "19000101", "000"),  # the earliest accepted birth date
        resident_id("650102", "19851130", "371"),
        resident_id("820000", "19700615", "018"),
    ],
)
def test_it_accepts_a_generated_valid_id_number(number):
    assert validate_resident_id(number) == number


def test_it_accepts_someone_born_today():
    today = timezone.localdate().strftime("%Y%m%d")
    number = resident_id(born=today)

    assert validate_resident_id(number) == number


def test_it_accepts_a_lower_case_x_and_returns_it_upper_case():
    assert validate_resident_id("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    "typed",
    [
        " 11010519491231002X ",
        "110105 19491231 002X",
        "110105\u300019491231\u3000002x",  # ideographic (full-width) spaces
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits and letter
    ],
)
def test_it_normalises_spaces_and_full_width_characters_in_an_id_number(typed):
    assert validate_resident_id(typed) == "11010519491231002X"


@pytest.mark.parametrize("number", ["11010519491231002", "11010519491231002X1", ""])
def test_it_refuses_an_id_number_that_is_not_18_characters(number):
    error = refusal(validate_resident_id, number)

    assert error.code == "resident_id_length"
    assert error.messages == [f"An ID number has 18 characters; this one has {len(number)}."]


def test_it_refuses_an_id_number_with_a_letter_among_the_first_17():
    assert message(validate_resident_id, "1101051949123A002X") == (
        "The first 17 characters of an ID number must be digits; character 14 is “A”."
    )


def test_it_refuses_an_id_number_ending_in_a_letter_other_than_x():
    assert message(validate_resident_id, "11010519491231002Y") == (
        "The last character of an ID number must be a digit or X, not “Y”."
    )


def test_it_refuses_an_id_number_whose_region_code_starts_with_0():
    error = refusal(validate_resident_id, resident_id(region="010105"))

    assert error.code == "resident_id_region"
    assert error.messages == ["The region code (the first 6 digits) cannot start with 0."]


@pytest.mark.parametrize(
    "province", ["10", "16", "20", "24", "30", "38", "47", "55", "60", "66", "72", "84", "92"]
)
def test_it_refuses_an_id_number_whose_region_code_is_not_in_a_province(province):
    number = resident_id(region=province + "0101")

    assert message(validate_resident_id, number) == (
        "The region code (the first 6 digits) must start with a province code; "
        f"{province} is not one."
    )


@pytest.mark.parametrize(
    "province",
    [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46]
    + [50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91],
)
def test_it_accepts_every_province_code(province):
    number = resident_id(region=f"{province}0101")

    assert validate_resident_id(number) == number


@pytest.mark.parametrize(
    ("born", "shown"),
    [("19000229", "1900-02-29"), ("19900230", "1990-02-30"), ("19901301", "1990-13-01")],
)
def test_it_refuses_an_id_number_whose_birth_date_is_not_a_real_date(born, shown):
    error = refusal(validate_resident_id, resident_id(born=born))

    assert error.code == "resident_id_birth_date_invalid"
    assert error.messages == [f"The birth date in the ID number, {shown}, is not a real date."]


def test_it_refuses_an_id_number_whose_birth_date_is_in_the_future():
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    number = resident_id(born=tomorrow.strftime("%Y%m%d"))

    assert message(validate_resident_id, number) == (
        f"The birth date in the ID number, {tomorrow.isoformat()}, is in the future."
    )


def test_it_refuses_an_id_number_whose_birth_date_is_before_1900():
    assert message(validate_resident_id, resident_id(born="18991231")) == (
        "The birth date in the ID number, 1899-12-31, is before 1900-01-01."
    )


def test_it_refuses_the_standards_second_example_for_its_birth_date_not_its_check_digit():
    # 440524188001010014 has the right check digit but its holder was born in 1880.
    error = refusal(validate_resident_id, "440524188001010014")

    assert error.code == "resident_id_birth_date_too_early"


def test_it_refuses_an_id_number_with_a_wrong_check_digit():
    assert message(validate_resident_id, "110105194912310020") == (
        "The check digit should be X, not 0."
    )


def test_it_refuses_a_digit_where_the_check_digit_should_be_another_digit():
    number = resident_id("430102", "19900101", "123")
    wrong = "0" if number[-1] != "0" else "1"

    error = refusal(validate_resident_id, number[:-1] + wrong)

    assert error.code == "resident_id_check_digit"
    assert error.messages == [f"The check digit should be {number[-1]}, not {wrong}."]


def test_changing_any_single_digit_of_a_valid_id_number_makes_it_invalid():
    number = resident_id("430102", "19900101", "123")
    for position in range(18):
        for replacement in "0123456789X" if position == 17 else "0123456789":
            if replacement == number[position]:
                continue
            changed = number[:position] + replacement + number[position + 1 :]
            with pytest.raises(ValidationError):
                validate_resident_id(changed)


def test_the_birth_date_helper_reads_the_birth_date():
    assert resident_id_birth_date("11010519491231002x") == dt.date(1949, 12, 31)


@pytest.mark.parametrize(
    ("serial", "gender"), [("001", "M"), ("003", "M"), ("019", "M"), ("002", "F"), ("010", "F")]
)
def test_the_gender_helper_reads_odd_as_male_and_even_as_female(serial, gender):
    assert resident_id_gender(resident_id(serial=serial)) == gender


def test_the_standards_example_is_a_woman():
    assert resident_id_gender("11010519491231002X") == "F"


def test_the_helpers_refuse_an_invalid_id_number():
    with pytest.raises(ValidationError):
        resident_id_birth_date("110105194912310020")
    with pytest.raises(ValidationError):
        resident_id_gender("110105194912310020")


# -- unified social credit code (GB 32100-2015) ---------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # GB 32100-2015's example
        "91440300708461136T",
        "914403001922038216",
        "91110108551385082Q",
        "911100007109288314",
    ],
)
def test_it_accepts_a_known_valid_credit_code(code):
    assert credit_check_char(code[:17]) == code[17]  # confirmed by calculation
    assert validate_credit_code(code) == code


@pytest.mark.parametrize("authority", list("123456789ANGY"))
def test_it_accepts_a_credit_code_from_every_registration_authority(authority):
    code = credit_code(authority + "1110108MA01ABCDE")

    assert validate_credit_code(code) == code


def test_it_accepts_a_credit_code_whose_check_character_is_0():
    # The check value 31 - (sum mod 31) is 31 here, which the standard writes as 0.
    code = next(
        c for c in (credit_code(f"9111010800000{n:04d}") for n in range(1000)) if c.endswith("0")
    )

    assert validate_credit_code(code) == code


@pytest.mark.parametrize(
    "typed",
    ["91350100m000100y43", " 9135 0100 M000 100Y 43 ", "９１３５０１００Ｍ０００１００Ｙ４３"],
)
def test_it_normalises_case_and_spaces_in_a_credit_code(typed):
    assert validate_credit_code(typed) == "91350100M000100Y43"


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y433"])
def test_it_refuses_a_credit_code_that_is_not_18_characters(code):
    error = refusal(validate_credit_code, code)

    assert error.code == "credit_code_length"
    assert error.messages == [
        f"A unified social credit code has 18 characters; this one has {len(code)}."
    ]


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_it_refuses_a_credit_code_with_a_letter_outside_its_charset(letter):
    code = "91350100M000100Y43".replace("M", letter)

    assert message(validate_credit_code, code) == (
        "A unified social credit code uses only digits and the letters A–Y "
        f"except I, O, S and V; character 9 is “{letter}”."
    )


@pytest.mark.parametrize("authority", list("0BCDEFHJKLMPQRTUWX"))
def test_it_refuses_a_credit_code_from_an_unknown_registration_authority(authority):
    code = credit_code(authority + "1350100M000100Y4")  # otherwise valid

    error = refusal(validate_credit_code, code)

    assert error.code == "credit_code_authority"
    assert error.messages == [
        "The first character (the registration authority) must be one of "
        f"1–9, A, N, G or Y, not “{authority}”."
    ]


def test_it_refuses_a_credit_code_whose_division_code_has_a_letter():
    code = credit_code("9135A100M000100Y4")  # otherwise valid

    assert message(validate_credit_code, code) == (
        "Characters 3 to 8 (the administrative division code) must be digits; character 5 is “A”."
    )


def test_it_refuses_a_credit_code_with_a_wrong_check_character():
    error = refusal(validate_credit_code, "91350100M000100Y44")

    assert error.code == "credit_code_check_char"
    assert error.messages == ["The check character should be 3, not 4."]


def test_changing_any_single_character_of_a_valid_credit_code_makes_it_invalid():
    code = "91350100M000100Y43"
    for position in range(18):
        for replacement in CHARSET:
            if replacement == code[position]:
                continue
            changed = code[:position] + replacement + code[position + 1 :]
            with pytest.raises(ValidationError):
                validate_credit_code(changed)


def test_changing_a_free_character_of_a_credit_code_is_caught_by_the_check_character():
    # Positions 2 and 9-17 have no rule of their own: only the check character catches them.
    code = "91350100M000100Y43"
    for position in [1, *range(8, 17)]:
        replacement = "A" if code[position] != "A" else "B"
        changed = code[:position] + replacement + code[position + 1 :]
        assert refusal(validate_credit_code, changed).code == "credit_code_check_char"


# -- mainland mobile number -----------------------------------------------------------


@pytest.mark.parametrize("prefix", ["13", "14", "15", "16", "17", "18", "19"])
def test_it_accepts_a_mobile_number_starting_with_13_to_19(prefix):
    number = prefix + "812345678"

    assert validate_mobile(number) == number


@pytest.mark.parametrize(
    "typed",
    [
        "138 1234 5678",
        "138-1234-5678",
        " 13812345678 ",
        "+8613812345678",
        "+86 138 1234 5678",
        "+86-138-1234-5678",
        "8613812345678",
        "86 138 1234 5678",
    ],
)
def test_it_normalises_separators_and_the_86_prefix_of_a_mobile_number(typed):
    assert validate_mobile(typed) == "13812345678"


def test_it_keeps_a_leading_86_that_is_part_of_a_short_number():
    # "86" is only a prefix when 11 digits follow it: here the 12 digits are counted.
    assert message(validate_mobile, "861381234567") == (
        "A mobile number must be 11 digits; this one has 12."
    )


@pytest.mark.parametrize("number", ["1381234567", "138123456789", "+861381234567", "138"])
def test_it_refuses_a_mobile_number_that_is_not_11_digits(number):
    digits = number.removeprefix("+86")
    error = refusal(validate_mobile, number)

    assert error.code == "mobile_length"
    assert error.messages == [f"A mobile number must be 11 digits; this one has {len(digits)}."]


@pytest.mark.parametrize("number", ["12812345678", "10012345678", "23812345678", "03812345678"])
def test_it_refuses_a_mobile_number_that_does_not_start_with_13_to_19(number):
    assert message(validate_mobile, number) == (
        f"A mobile number must start with 13–19; this one starts with {number[:2]}."
    )


def test_it_refuses_a_mobile_number_with_letters_or_another_country_code():
    assert message(validate_mobile, "138a234b678") == (
        "A mobile number may contain only digits, spaces, hyphens and a +86 prefix; "
        "this one contains “a” “b”."
    )
    assert refusal(validate_mobile, "+85261234567").code == "mobile_characters"


# -- masking -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("430102199001011234", "4301**********1234"),
        ("11010519491231002X", "1101**********002X"),
        ("110105491231002", "1101*******1002"),  # a 15-digit first-generation number
        ("123456789", "1234*6789"),
        ("12345678", "1******8"),
        ("abc", "a*c"),
        ("ab", "ab"),
        ("", ""),
    ],
)
def test_mask_id_keeps_only_the_ends(value, masked):
    assert mask_id(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("075512345678", "075*******78"),
        ("+8613812345678", "+86*********78"),
        ("123456", "123*56"),
        ("12345", "1***5"),
        ("", ""),
    ],
)
def test_mask_phone_keeps_only_the_ends(value, masked):
    assert mask_phone(value) == masked
