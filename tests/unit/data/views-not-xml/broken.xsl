<?xml version="1.0" encoding="UTF-8"?>
<!-- Not well-formed: start-up refuses it. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:template match="/"><p>unclosed</xsl:template>
</xsl:stylesheet>
