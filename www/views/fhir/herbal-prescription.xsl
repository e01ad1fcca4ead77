<?xml version="1.0" encoding="UTF-8"?>
<!--
  herbal:Prescription -> MedicationRequest with the formula as a contained
  Medication whose ingredients are the herbs (grams a day).  Stopped when
  the prescription is; entered-in-error when the record is.  docs/fhir.md.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:fhir="urn:cairn:fhir"
    xmlns:h="urn:cairn:herbal"
    xmlns="http://hl7.org/fhir"
    exclude-result-prefixes="fhir h">
  <xsl:import href="fhir-lib.xsl"/>
  <xsl:output method="xml" encoding="UTF-8"/>

  <xsl:template match="/">
    <fhir:resources>
      <xsl:for-each select="$rec/h:Prescription">
        <MedicationRequest>
          <id value="{$rec/@id}"/>
          <xsl:call-template name="meta"/>
          <contained>
            <Medication>
              <id value="formula"/>
              <code>
                <xsl:if test="string(h:formula) != ''">
                  <coding>
                    <system value="urn:cairn:herbal:formula"/>
                    <code value="{h:formula}"/>
                  </coding>
                </xsl:if>
                <text>
                  <xsl:attribute name="value">
                    <xsl:value-of select="h:formula/@kind"/>
                    <xsl:text> formula</xsl:text>
                    <xsl:if test="string(h:formula) != ''">
                      <xsl:value-of select="concat(' ', h:formula)"/>
                    </xsl:if>
                  </xsl:attribute>
                </text>
              </code>
              <form>
                <coding>
                  <system value="urn:cairn:herbal:form"/>
                  <code value="{h:form}"/>
                </coding>
                <text value="{h:form}"/>
              </form>
              <xsl:for-each select="h:herb">
                <ingredient>
                  <itemCodeableConcept><text value="{h:name}"/></itemCodeableConcept>
                  <strength>
                    <numerator>
                      <value value="{h:grams}"/>
                      <unit value="g"/>
                      <system value="http://unitsofmeasure.org"/>
                      <code value="g"/>
                    </numerator>
                    <denominator>
                      <value value="1"/>
                      <unit value="day"/>
                      <system value="http://unitsofmeasure.org"/>
                      <code value="d"/>
                    </denominator>
                  </strength>
                </ingredient>
              </xsl:for-each>
            </Medication>
          </contained>
          <status>
            <xsl:attribute name="value">
              <xsl:choose>
                <xsl:when test="$rec/@status = 'entered-in-error'">entered-in-error</xsl:when>
                <xsl:when test="h:stopped">stopped</xsl:when>
                <xsl:otherwise>active</xsl:otherwise>
              </xsl:choose>
            </xsl:attribute>
          </status>
          <xsl:if test="h:stopped">
            <statusReason><text value="{h:stopped/h:reason}"/></statusReason>
          </xsl:if>
          <intent value="order"/>
          <medicationReference><reference value="#formula"/></medicationReference>
          <xsl:call-template name="patient-ref"/>
          <authoredOn value="{h:startDate}"/>
          <requester><display value="{h:prescriber}"/></requester>
          <xsl:if test="h:reason">
            <note><text value="{h:reason}"/></note>
          </xsl:if>
          <dosageInstruction>
            <xsl:if test="h:instructions">
              <text value="{h:instructions}"/>
            </xsl:if>
            <timing>
              <repeat>
                <boundsPeriod>
                  <start value="{h:startDate}"/>
                  <xsl:if test="h:stopped">
                    <end value="{h:stopped/h:date}"/>
                  </xsl:if>
                </boundsPeriod>
                <!-- doses a day; 2 for a prescription stored before it had one -->
                <frequency>
                  <xsl:attribute name="value">
                    <xsl:choose>
                      <xsl:when test="h:dosesPerDay"><xsl:value-of select="h:dosesPerDay"/></xsl:when>
                      <xsl:otherwise>2</xsl:otherwise>
                    </xsl:choose>
                  </xsl:attribute>
                </frequency>
                <period value="1"/>
                <periodUnit value="d"/>
              </repeat>
            </timing>
          </dosageInstruction>
          <dispenseRequest>
            <expectedSupplyDuration>
              <value value="{h:days}"/>
              <unit value="days"/>
              <system value="http://unitsofmeasure.org"/>
              <code value="d"/>
            </expectedSupplyDuration>
          </dispenseRequest>
        </MedicationRequest>
      </xsl:for-each>
    </fhir:resources>
  </xsl:template>
</xsl:stylesheet>
