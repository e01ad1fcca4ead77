<?xml version="1.0" encoding="UTF-8"?>
<!-- Well-formed XSLT with an XPath that does not compile: start-up, which
     only parses views, takes it; cairnd -t and its first use refuse it. -->
<?cairn-audience clinician?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:template match="/"><p><xsl:value-of select="count(("/></p></xsl:template>
</xsl:stylesheet>
