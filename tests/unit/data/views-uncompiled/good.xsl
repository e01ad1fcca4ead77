<?xml version="1.0" encoding="UTF-8"?>
<!-- A view that compiles, beside one that does not. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="html" encoding="UTF-8"/>
  <xsl:template match="/"><p>good</p></xsl:template>
</xsl:stylesheet>
