"""Indonesian by default: the browser's Accept-Language is not a choice the person made.

Sinovda is for Indonesian governments and citizens, and an English-language browser (common on
office machines and phones bought abroad) must not switch the product to English. A person who picks
English with the language switch gets it, and the choice is remembered in the language cookie that
Django's set_language view writes; LocaleMiddleware reads that cookie, then falls back to
LANGUAGE_CODE ("id") because this middleware hides the header from it.
"""


class IgnoreBrowserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
