<?xml version="1.0" encoding="UTF-8"?>
<!--
  intake/fields.xsl - form fields the intake views share (included, not a
  page of its own).  Each view document carries the values as typed and
  the messages per field:
    <value name="med.1.dose">500</value>*
    <error field="med.1.dose">Enter the dose ...</error>*   field "" = form
  Every input has a label; a message sits above its input and is tied to
  it with aria-describedby and aria-invalid; values are shown as typed
  (text inputs, so that a wrong value is not emptied by the browser).
  Choices are given as "value|label;value|label".
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:template name="fid">
    <xsl:param name="name"/>
    <xsl:value-of select="concat('f-', translate($name, '.', '-'))"/>
  </xsl:template>

  <xsl:template name="error-for">
    <xsl:param name="name"/>
    <xsl:for-each select="/*/error[@field = $name][1]">
      <p class="field-error" id="{concat('e-', translate($name, '.', '-'))}">
        <span class="visually-hidden">Error: </span>
        <xsl:value-of select="."/>
      </p>
    </xsl:for-each>
  </xsl:template>

  <!-- aria-describedby (error, hint) and aria-invalid for field name. -->
  <xsl:template name="aria">
    <xsl:param name="name"/>
    <xsl:param name="hint" select="''"/>
    <xsl:variable name="tid" select="translate($name, '.', '-')"/>
    <xsl:variable name="bad" select="boolean(/*/error[@field = $name])"/>
    <xsl:if test="$bad or $hint != ''">
      <xsl:attribute name="aria-describedby">
        <xsl:if test="$bad"><xsl:value-of select="concat('e-', $tid)"/></xsl:if>
        <xsl:if test="$bad and $hint != ''"><xsl:text> </xsl:text></xsl:if>
        <xsl:if test="$hint != ''"><xsl:value-of select="concat('h-', $tid)"/></xsl:if>
      </xsl:attribute>
    </xsl:if>
    <xsl:if test="$bad"><xsl:attribute name="aria-invalid">true</xsl:attribute></xsl:if>
  </xsl:template>

  <xsl:template name="field-class">
    <xsl:param name="name"/>
    <xsl:param name="extra" select="''"/>
    <xsl:attribute name="class">
      <xsl:text>field</xsl:text>
      <xsl:if test="$extra != ''"><xsl:value-of select="concat(' ', $extra)"/></xsl:if>
      <xsl:if test="/*/error[@field = $name]"> invalid</xsl:if>
    </xsl:attribute>
  </xsl:template>

  <!-- A text input (or a textarea when rows > 0). -->
  <xsl:template name="text">
    <xsl:param name="name"/>
    <xsl:param name="label"/>
    <xsl:param name="hint" select="''"/>
    <xsl:param name="type" select="'text'"/>
    <xsl:param name="rows" select="0"/>
    <xsl:param name="max" select="''"/>
    <xsl:param name="autocomplete" select="''"/>
    <xsl:param name="class" select="''"/>
    <xsl:variable name="id"><xsl:call-template name="fid"><xsl:with-param name="name" select="$name"/></xsl:call-template></xsl:variable>
    <div>
      <xsl:call-template name="field-class"><xsl:with-param name="name" select="$name"/></xsl:call-template>
      <label for="{$id}"><xsl:value-of select="$label"/></label>
      <xsl:if test="$hint != ''">
        <span class="hint" id="{concat('h-', translate($name, '.', '-'))}"><xsl:value-of select="$hint"/></span>
      </xsl:if>
      <xsl:call-template name="error-for"><xsl:with-param name="name" select="$name"/></xsl:call-template>
      <xsl:choose>
        <xsl:when test="$rows &gt; 0">
          <textarea id="{$id}" name="{$name}" rows="{$rows}">
            <xsl:if test="$max != ''"><xsl:attribute name="maxlength"><xsl:value-of select="$max"/></xsl:attribute></xsl:if>
            <xsl:call-template name="aria"><xsl:with-param name="name" select="$name"/><xsl:with-param name="hint" select="$hint"/></xsl:call-template>
            <xsl:value-of select="/*/value[@name = $name]"/>
          </textarea>
        </xsl:when>
        <xsl:otherwise>
          <input id="{$id}" name="{$name}" type="{$type}" value="{/*/value[@name = $name]}">
            <xsl:if test="$class != ''"><xsl:attribute name="class"><xsl:value-of select="$class"/></xsl:attribute></xsl:if>
            <xsl:if test="$autocomplete != ''"><xsl:attribute name="autocomplete"><xsl:value-of select="$autocomplete"/></xsl:attribute></xsl:if>
            <xsl:call-template name="aria"><xsl:with-param name="name" select="$name"/><xsl:with-param name="hint" select="$hint"/></xsl:call-template>
          </input>
        </xsl:otherwise>
      </xsl:choose>
    </div>
  </xsl:template>

  <!-- <option>s from "value|label;value|label", the current value
       selected. -->
  <xsl:template name="options">
    <xsl:param name="list"/>
    <xsl:param name="current"/>
    <xsl:if test="$list != ''">
      <xsl:variable name="head" select="substring-before(concat($list, ';'), ';')"/>
      <xsl:variable name="v" select="substring-before($head, '|')"/>
      <option value="{$v}">
        <xsl:if test="$v = $current"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
        <xsl:value-of select="substring-after($head, '|')"/>
      </option>
      <xsl:call-template name="options">
        <xsl:with-param name="list" select="substring-after($list, ';')"/>
        <xsl:with-param name="current" select="$current"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template name="select">
    <xsl:param name="name"/>
    <xsl:param name="label"/>
    <xsl:param name="list"/>
    <xsl:param name="hint" select="''"/>
    <xsl:param name="blank" select="'Choose'"/>
    <xsl:variable name="id"><xsl:call-template name="fid"><xsl:with-param name="name" select="$name"/></xsl:call-template></xsl:variable>
    <div>
      <xsl:call-template name="field-class"><xsl:with-param name="name" select="$name"/></xsl:call-template>
      <label for="{$id}"><xsl:value-of select="$label"/></label>
      <xsl:if test="$hint != ''">
        <span class="hint" id="{concat('h-', translate($name, '.', '-'))}"><xsl:value-of select="$hint"/></span>
      </xsl:if>
      <xsl:call-template name="error-for"><xsl:with-param name="name" select="$name"/></xsl:call-template>
      <select id="{$id}" name="{$name}">
        <xsl:call-template name="aria"><xsl:with-param name="name" select="$name"/><xsl:with-param name="hint" select="$hint"/></xsl:call-template>
        <option value=""><xsl:value-of select="$blank"/></option>
        <xsl:call-template name="options">
          <xsl:with-param name="list" select="$list"/>
          <xsl:with-param name="current" select="string(/*/value[@name = $name])"/>
        </xsl:call-template>
      </select>
    </div>
  </xsl:template>

  <!-- Radio buttons in a fieldset, from "value|label;...". -->
  <xsl:template name="radios">
    <xsl:param name="name"/>
    <xsl:param name="legend"/>
    <xsl:param name="list"/>
    <xsl:param name="inline" select="false()"/>
    <fieldset id="{concat('f-', translate($name, '.', '-'))}">
      <xsl:call-template name="field-class">
        <xsl:with-param name="name" select="$name"/>
        <xsl:with-param name="extra" select="concat('choices', substring(' inline', 1, 7 * number($inline)))"/>
      </xsl:call-template>
      <xsl:call-template name="aria"><xsl:with-param name="name" select="$name"/></xsl:call-template>
      <legend><xsl:value-of select="$legend"/></legend>
      <xsl:call-template name="error-for"><xsl:with-param name="name" select="$name"/></xsl:call-template>
      <xsl:call-template name="radio-items">
        <xsl:with-param name="name" select="$name"/>
        <xsl:with-param name="list" select="$list"/>
        <xsl:with-param name="current" select="string(/*/value[@name = $name])"/>
      </xsl:call-template>
    </fieldset>
  </xsl:template>

  <xsl:template name="radio-items">
    <xsl:param name="name"/>
    <xsl:param name="list"/>
    <xsl:param name="current"/>
    <xsl:if test="$list != ''">
      <xsl:variable name="head" select="substring-before(concat($list, ';'), ';')"/>
      <xsl:variable name="v" select="substring-before($head, '|')"/>
      <xsl:variable name="id" select="concat('f-', translate($name, '.', '-'), '-', $v)"/>
      <label class="choice" for="{$id}">
        <input type="radio" id="{$id}" name="{$name}" value="{$v}">
          <xsl:if test="$v = $current"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
        </input>
        <xsl:text> </xsl:text>
        <xsl:value-of select="substring-after($head, '|')"/>
      </label>
      <xsl:call-template name="radio-items">
        <xsl:with-param name="name" select="$name"/>
        <xsl:with-param name="list" select="substring-after($list, ';')"/>
        <xsl:with-param name="current" select="$current"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template name="checkbox">
    <xsl:param name="name"/>
    <xsl:param name="label"/>
    <xsl:variable name="id"><xsl:call-template name="fid"><xsl:with-param name="name" select="$name"/></xsl:call-template></xsl:variable>
    <div>
      <xsl:call-template name="field-class"><xsl:with-param name="name" select="$name"/></xsl:call-template>
      <xsl:call-template name="error-for"><xsl:with-param name="name" select="$name"/></xsl:call-template>
      <label class="choice" for="{$id}">
        <input type="checkbox" id="{$id}" name="{$name}" value="yes">
          <xsl:if test="/*/value[@name = $name] = 'yes'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
          <xsl:call-template name="aria"><xsl:with-param name="name" select="$name"/></xsl:call-template>
        </input>
        <xsl:text> </xsl:text>
        <xsl:value-of select="$label"/>
      </label>
    </div>
  </xsl:template>

  <!-- The summary of every message at the top of a refused form. -->
  <xsl:template name="error-summary">
    <xsl:param name="title" select="'Not saved: please check the answers'"/>
    <xsl:if test="/*/error">
      <div class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
        <h2 id="error-summary-title"><xsl:value-of select="$title"/></h2>
        <ul>
          <xsl:for-each select="/*/error">
            <li>
              <xsl:choose>
                <xsl:when test="@field != ''">
                  <a href="#{concat('f-', translate(@field, '.', '-'))}"><xsl:value-of select="."/></a>
                </xsl:when>
                <xsl:otherwise><xsl:value-of select="."/></xsl:otherwise>
              </xsl:choose>
            </li>
          </xsl:for-each>
        </ul>
      </div>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
