<?xml version="1.0" encoding="UTF-8"?>
<!-- program:Patient -> Patient (docs/fhir.md). -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:fhir="urn:cairn:fhir"
    xmlns:p="urn:cairn:program"
    xmlns="http://hl7.org/fhir"
    exclude-result-prefixes="fhir p">
  <xsl:import href="fhir-lib.xsl"/>
  <xsl:output method="xml" encoding="UTF-8"/>

  <xsl:template match="/">
    <fhir:resources>
      <xsl:for-each select="$rec/p:Patient">
        <Patient>
          <id value="{$rec/@id}"/>
          <xsl:call-template name="meta"/>
          <identifier>
            <xsl:if test="p:identifier/@system">
              <system value="{p:identifier/@system}"/>
            </xsl:if>
            <value value="{p:identifier}"/>
          </identifier>
          <active value="{string($rec/@status != 'entered-in-error')}"/>
          <name>
            <text value="{p:name}"/>
          </name>
          <xsl:if test="p:gender">
            <gender value="{p:gender}"/>
          </xsl:if>
          <xsl:if test="p:birthDate">
            <birthDate value="{p:birthDate}"/>
          </xsl:if>
        </Patient>
      </xsl:for-each>
    </fhir:resources>
  </xsl:template>
</xsl:stylesheet>
