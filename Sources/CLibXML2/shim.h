#ifndef WINNOW_CLIBXML2_SHIM_H
#define WINNOW_CLIBXML2_SHIM_H

/* xmlversion.h first, then drop ICU: Debian's libxml2 pulls <unicode/ucnv.h>, whose
   UErrorCode clashes with Foundation's own ICU module on cold builds. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlerror.h>
#include <libxml/encoding.h>

/** Frees memory that libxml2 allocated (xmlFree is a mutable global pointer in Swift's eyes). */
static inline void winnow_xml_free(void *pointer) { xmlFree(pointer); }

/** The HTML parser options Winnow always uses: recover, silent, no network, no depth limit. */
static inline int winnow_html_parse_options(void) {
    return HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET
         | HTML_PARSE_COMPACT | HTML_PARSE_NODEFDTD | XML_PARSE_HUGE;
}

/** Silences libxml2's generic error output for the calling thread. */
static void winnow_xml_ignore_error(void *context, const char *message, ...) { (void)context; (void)message; }
static inline void winnow_xml_silence_errors(void) {
    xmlSetGenericErrorFunc(NULL, winnow_xml_ignore_error);
    xmlSetStructuredErrorFunc(NULL, NULL);
}

#endif
